/**
 * The door: each request is routed to its log once (src/log/deployment.ts: `/<shard>/...`, the host,
 * or the active shard). The router matches the path with the shard prefix removed, and every handler
 * finds the log in c.var.log.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
import { deploymentOf, type Deployment, type Route } from "../log/deployment.ts";
import type { Log } from "../log/log.ts";

/** What the API's handlers see: the Worker's bindings, and the deployment and log the request is for. */
export interface ApiEnv {
  Bindings: Env;
  Variables: {
    deployment: Deployment;
    log: Log;
    /** "/<shard>" when the request named its shard in the path, else "". */
    prefix: string;
  };
}

const routes = new WeakMap<Request, Route>();

/** The request's route, decided once per request. Throws a config error if the deployment is misconfigured. */
export function routeOf(request: Request, env: Env): Route {
  let route = routes.get(request);
  if (!route) routes.set(request, (route = deploymentOf(env).route(new URL(request.url))));
  return route;
}

/** Hono's getPath: the path the routers match (decoded as Hono decodes it), without the shard prefix. */
export function routedPath(request: Request, options?: { env?: Env }): string {
  if (!options?.env) throw new Error("routedPath needs the Worker's environment");
  const route = routeOf(request, options.env);
  if (!route.prefix) return getPath(request);
  const url = new URL(request.url);
  url.pathname = route.path;
  return getPath(new Request(url));
}

export const resolveLog: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const route = routeOf(c.req.raw, c.env);
  c.set("deployment", deploymentOf(c.env));
  c.set("log", route.log);
  c.set("prefix", route.prefix);
  return next();
};
