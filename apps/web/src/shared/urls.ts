/** The URL that serves a file stored under the artifacts directory. */
export function artifactUrl(relativePath: string): string {
  return `/api/artifacts/${relativePath.split(/[\\/]/).map(encodeURIComponent).join("/")}`;
}
