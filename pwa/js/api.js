// fetch wrapper for /api/v1: JSON in and out; failures throw an ApiError carrying the error body.

/** A failed API call: status 0 means the network failed (offline, reset, timeout). */
export class ApiError extends Error {
  /** `retryAfter`: the seconds of a Retry-After header (a 503 while the server is busy), or 0. */
  constructor(status, body, retryAfter = 0) {
    super(body?.message || (status ? `HTTP ${status}` : 'Network error'));
    this.status = status;
    this.body = body || null;
    this.retryAfter = retryAfter;
  }
}

/** The seconds of a response's Retry-After header, when it is a number of seconds; else 0. */
function retryAfterOf(response) {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : 0;
}

/**
 * Which cookies a call sends and keeps. Only the sign-in (POST /auth/token) needs any: its
 * answer sets the HttpOnly "known device" cookie (scanlog_device, SameSite=Lax, Path=/) and the
 * throttle reads it on the next sign-in, so this phone's right password passes while its
 * e-mail is under attack from elsewhere. Every other call omits cookies: the API authenticates
 * by bearer token alone and is CSRF-exempt for that reason (server/api/__init__.py), so a
 * same-origin web session cookie (a tutor signed in on the same browser) must never ride along
 * and become something a future API view could trust.
 */
export function credentialsFor(path, method) {
  return path === '/auth/token' && method === 'POST' ? 'same-origin' : 'omit';
}

/** Call the API; resolves with the JSON body (null for 204). */
export async function apiFetch(path, { method = 'GET', token, body, timeoutMs = 30000 } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, cache: 'no-store', credentials: credentialsFor(path, method),
    });
  } catch {
    throw new ApiError(0, null);
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data, retryAfterOf(response));
  return data;
}

/** Download a file from the API with the bearer token: resolves with {blob, name}. */
export async function apiDownload(path, token) {
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const disposition = response.headers.get('Content-Disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || null;
  return { blob: await response.blob(), name };
}
