// Package console is the console's model of a MobileApps folder, the same in the browser and on the dev server:
// the Workspace (the files, the server's memory of them, and the edits kept beside a zip or the sample), the
// documents the page shows (State, File, EditSet), and the one table of the console's methods, which a Service
// runs. The wasm module calls it with the page's requests; the dev server with its HTTP API's. It decides no
// rule of 4D: core does. The methods, their parameters and their documents are in docs/api.md.
package console
