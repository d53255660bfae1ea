/**
 * A matcher from `/regex/flags` or a glob (`*` any run, `?` one character). Paths start with
 * `/` too, so for `path` a `/.../` pattern is a regex only when it holds regex syntax
 * (`/^\/api\/v[12]/`); `/api/*` is a glob. A path glob ignores the query string; host and
 * method globs ignore case.
 */
export function compilePattern(pattern: string, isPath: boolean): (value: string) => boolean {
  const regex = /^\/(.+)\/([gimsuy]*)$/.exec(pattern);
  if (regex && (!isPath || /[\\^$()[\]|+{}]/.test(regex[1]!))) {
    const re = new RegExp(regex[1]!, regex[2]!.replace('g', ''));
    return (value) => re.test(value);
  }
  const body = pattern.split('*').map((part) => part.split('?').map(escape).join('.')).join('.*');
  const glob = new RegExp(`^${body}$`, isPath ? '' : 'i');
  return isPath ? (value) => glob.test(value.split('?')[0]!) || glob.test(value) : (value) => glob.test(value);
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
