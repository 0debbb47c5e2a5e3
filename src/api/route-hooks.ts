/**
 * Per-route hooks: a hook that only some routes need is added to those routes when they are declared, instead of
 * running on every request to ask whether it applies (the question alone, `request.routeOptions`, builds an object
 * per call). Added after the route's own hooks of that kind, in the order the plugins declare them.
 */
import type { onRequestHookHandler, onSendHookHandler, RouteOptions } from 'fastify';

interface RouteHooks {
  onRequest: onRequestHookHandler;
  onSend: onSendHookHandler;
}

export function addRouteHook<Name extends keyof RouteHooks>(route: RouteOptions, name: Name, hook: RouteHooks[Name]): void {
  const declared = route[name] as RouteHooks[Name] | RouteHooks[Name][] | undefined;
  const before = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
  (route as unknown as Record<Name, RouteHooks[Name][]>)[name] = [...before, hook];
}
