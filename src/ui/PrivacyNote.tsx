/**
 * What happens to the user's data, in one line, with the reasons behind it folded away.
 * No links on purpose: nothing on this page points elsewhere.
 */
export function PrivacyNote() {
  return (
    <details className="privacy-note" data-testid="privacy-note">
      <summary>Everything runs in this tab: your data and models never leave this machine.</summary>
      <p>
        Training, sampling and evaluation run in a worker inside this page, on your GPU (or CPU).
        Files you import are read here and never uploaded; runs and checkpoints are kept in this
        browser's storage, and exports are files saved to your own disk. After it has loaded, the
        page makes no network requests, and its security policy forbids it to contact any server
        other than the one it came from.
      </p>
    </details>
  );
}
