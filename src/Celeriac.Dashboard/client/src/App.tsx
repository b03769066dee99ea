/** The shell: navigation and the page for the current hash route. The pages replace this placeholder. */
export function App() {
  return <main><h1>Celeriac</h1></main>;
}
