// What a page shows while it loads or when its request failed.
export function LoadState({ loading, error, empty }: { loading: boolean; error?: string; empty?: string | false }) {
  if (error) return <p class="notice notice-error" role="alert">Could not load: {error}</p>;
  if (loading) return <p class="notice" aria-busy="true">Loading…</p>;
  if (empty) return <p class="notice">{empty}</p>;
  return null;
}
