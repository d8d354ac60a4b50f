// Hash routes (#/accounts/…): the server serves one index.html and never needs to know the pages.
import { useEffect, useState } from 'preact/hooks';

export const currentPath = () => location.hash.replace(/^#/, '') || '/';

export function useRoute(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return path;
}

export const go = (path: string) => {
  location.hash = path;
};
