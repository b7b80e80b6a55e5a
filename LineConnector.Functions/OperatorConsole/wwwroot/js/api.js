// Calls of the console: the admin API through /api/console/manage/ (the signed-in operator's, see
// ConsoleAccess), and the playground under /playground (local mode only).

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    // Problem details name each field: {"errors": {"settings.name": ["at most 40 characters (got 41)"]}}.
    this.fields = this.problem.errors || {};
  }
}

async function call(url, { method = 'GET', body, headers = {}, raw } = {}) {
  // The header tells the app the call comes from its own pages (ConsoleAccess.RequestHeader).
  const init = { method, headers: { Accept: 'application/json', 'X-Line-Connector-Console': '1', ...headers } };
  if (raw !== undefined) {
    init.body = raw;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get('ETag') };
}

export const manage = (path, options) => call(`manage/${path}`, options).then(r => r.data);
export const manageWithEtag = (path, options) => call(`manage/${path}`, options);
export const playground = (path, options) => call(`/playground/${path}`, options).then(r => r.data);

let limits;
export async function getLimits() {
  limits ??= await manage('limits');
  return limits;
}

export async function channels() {
  const list = await manage('channels');
  return list.channels.filter(c => c.status !== 'deleted');
}

/** Whether this app runs in local mode with its playground (the route is not there in Azure). */
export async function hasPlayground() {
  try {
    const response = await fetch('/playground/desk', { headers: { Accept: 'application/json' } });
    return response.ok;
  } catch {
    return false;
  }
}
