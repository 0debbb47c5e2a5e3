/**
 * The shell: sign-in until a token is accepted, then the navigation and the page for the path. Each page is
 * its own chunk, loaded when first shown, so the first load carries only the shell.
 */
import { Alert, AppShell, Button, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { lazy, Suspense, useCallback, useEffect, useState, type ComponentType } from 'react';
import { api, errorText, tokenStorage, unwrap, type Session } from './api/client.ts';
import { followLink, useLocation } from './router.ts';
import { isAllowed, type Permission } from '../../src/contract/ui-vocabulary.ts';
import { SessionContext } from './session.tsx';
import { SignIn } from './sign-in.tsx';

interface Page {
  path: RegExp;
  title: string;
  /** Shown in the navigation as this label and link; pages without one are reached by links. */
  nav?: { label: string; href: string };
  component: ComponentType<{ params: string[] }>;
  /** Hidden from the navigation and refused for roles without it. */
  needs?: Permission;
}

const PAGES: Page[] = [
  { path: /^\/$/, title: 'Dashboard', nav: { label: 'Dashboard', href: '/' }, component: lazy(() => import('./pages/dashboard.tsx')) },
  {
    path: /^\/register$/,
    title: 'Register hosts',
    needs: 'hosts:write',
    nav: { label: 'Register hosts', href: '/register' },
    component: lazy(() => import('./pages/register.tsx')),
  },
  {
    path: /^\/registrations$/,
    title: 'Registrations',
    nav: { label: 'Registrations', href: '/registrations' },
    component: lazy(() => import('./pages/registrations.tsx')),
  },
  { path: /^\/registrations\/([^/]+)$/, title: 'Registration progress', component: lazy(() => import('./pages/registration.tsx')) },
  { path: /^\/hosts$/, title: 'Hosts', nav: { label: 'Hosts', href: '/hosts' }, component: lazy(() => import('./pages/hosts.tsx')) },
  { path: /^\/hosts\/([^/]+)$/, title: 'Host', component: lazy(() => import('./pages/host.tsx')) },
  {
    path: /^\/onboarding$/,
    title: 'Onboarding requests',
    needs: 'hosts:write',
    nav: { label: 'Onboarding requests', href: '/onboarding' },
    component: lazy(() => import('./pages/onboarding.tsx')),
  },
  {
    path: /^\/clusters$/,
    title: 'Clusters',
    nav: { label: 'Clusters', href: '/clusters' },
    component: lazy(() => import('./pages/clusters.tsx')),
  },
  // Not under /clusters/, where any name is a cluster's.
  {
    path: /^\/new-cluster$/,
    title: 'Create cluster',
    needs: 'clusters:write',
    component: lazy(() => import('./pages/cluster-new.tsx')),
  },
  { path: /^\/clusters\/([^/]+)$/, title: 'Cluster', component: lazy(() => import('./pages/cluster.tsx')) },
  {
    path: /^\/catalog$/,
    title: 'OS profiles and templates',
    nav: { label: 'OS profiles & templates', href: '/catalog' },
    component: lazy(() => import('./pages/catalog.tsx')),
  },
  {
    path: /^\/compatibility$/,
    title: 'Compatibility matrix',
    nav: { label: 'Compatibility matrix', href: '/compatibility' },
    component: lazy(() => import('./pages/compatibility.tsx')),
  },
  {
    path: /^\/audit$/,
    title: 'Audit',
    needs: 'admin',
    nav: { label: 'Audit', href: '/audit' },
    component: lazy(() => import('./pages/audit.tsx')),
  },
];

function findPage(path: string): { page: Page; params: string[] } | null {
  for (const page of PAGES) {
    const match = page.path.exec(path);
    if (match) return { page, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return null;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(tokenStorage.get() !== null);
  const [error, setError] = useState<string | null>(null);

  const signIn = useCallback(async (token: string) => {
    tokenStorage.set(token);
    try {
      setSession(await unwrap(api.GET('/api/v1/session')));
      setError(null);
    } catch (e) {
      tokenStorage.clear();
      setError(errorText(e));
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    const token = tokenStorage.get();
    if (token) void signIn(token);
  }, [signIn]);

  if (checking) return <Loader m="xl" aria-label="Checking the token" />;
  if (!session) return <SignIn onSignIn={signIn} error={error} />;
  const signOut = () => {
    tokenStorage.clear();
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session} onSignOut={signOut} />
    </SessionContext.Provider>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { path } = useLocation();
  const found = findPage(path);
  useEffect(() => {
    document.title = `${found?.page.title ?? 'Not found'} · edge-orch`;
  }, [found?.page.title]);
  const allowed = (page: Page) => !page.needs || isAllowed(session.role, page.needs);
  const Component = found && allowed(found.page) ? found.page.component : undefined;
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 230, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={3}>edge-orch</Title>
          <Group gap="sm">
            <Text size="sm">
              {session.name} · {session.role} · project {session.project}
            </Text>
            <Button variant="default" size="xs" onClick={onSignOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        {PAGES.flatMap((p) =>
          p.nav && allowed(p)
            ? [<NavLink key={p.nav.href} href={p.nav.href} label={p.nav.label} active={found?.page === p} onClick={followLink} />]
            : [],
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        {Component && found ? (
          <Suspense fallback={<Loader aria-label="Loading the page" />}>
            <Component params={found.params} />
          </Suspense>
        ) : (
          <Alert color="red" title={found ? 'Not allowed' : 'Not found'}>
            {found ? `Role ${session.role} may not use ${found.page.title}.` : `No page at ${path}.`}
          </Alert>
        )}
      </AppShell.Main>
    </AppShell>
  );
}
