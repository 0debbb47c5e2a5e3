/** Sign-in with an API token (`edge-orch token create`, or data/admin-token on first start); kept for this tab only. */
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';

export function SignIn({ onSignIn, error }: { onSignIn: (token: string) => Promise<void>; error: string | null }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await onSignIn(token.trim());
    setBusy(false);
  };
  return (
    <Center mih="100vh" component="main">
      <Paper withBorder p="xl" w={420}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              Sign in to edge-orch
            </Title>
            <Text size="sm">
              Paste an API token. The first admin token is in data/admin-token; others come from <code>edge-orch token create</code>.
            </Text>
            <PasswordInput label="API token" value={token} onChange={(e) => setToken(e.currentTarget.value)} required autoFocus />
            {error && (
              <Alert color="red" title="Sign-in failed" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} disabled={!token.trim()}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
