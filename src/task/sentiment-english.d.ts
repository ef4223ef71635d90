/** The `sentiment` package's English language module (untyped upstream). */
declare module 'sentiment/languages/en/index.js' {
  const english: { labels: Record<string, number> };
  export default english;
}
