/** Saves bytes or text as a file through a temporary object URL (no network involved). */
export function download(name: string, content: ArrayBuffer | string, mime: string): void {
  const blob = new Blob([content], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Reads picked or dropped files into transferable buffers. */
export async function readFiles(
  files: FileList | File[],
): Promise<{ name: string; bytes: ArrayBuffer }[]> {
  return Promise.all([...files].map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
}
