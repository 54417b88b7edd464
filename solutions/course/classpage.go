package main

import (
	"embed"
	"html/template"
	"io"
	"net/http"
)

// classWeb holds the class's page: its template (html/template: a name is
// text, never markup), its script and its style.
//
//go:embed classweb
var classWeb embed.FS

var classPage = template.Must(template.ParseFS(classWeb, "classweb/class.html"))

// classPoll is how often the page asks for the class's state.
const classPoll = 3000 // milliseconds

// pageData is what the template shows. Live: served, with its script;
// otherwise a snapshot (-o class.html) with its style inline.
type pageData struct {
	View classView
	Live bool
	Poll int
	CSS  template.CSS
}

// classCSP lets the page run only its own script and style, and fetch
// only its own server.
const classCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (cl *class) servePage(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", classCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	poll := cl.poll
	if poll == 0 {
		poll = classPoll
	}
	classPage.Execute(w, pageData{View: cl.view(), Live: true, Poll: poll})
}

// writeSnapshot writes the page as one file, without its script.
func (cl *class) writeSnapshot(w io.Writer) error {
	css, err := classWeb.ReadFile("classweb/class.css")
	if err != nil {
		return err
	}
	return classPage.Execute(w, pageData{View: cl.view(), CSS: template.CSS(css)})
}

func serveAsset(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := classWeb.ReadFile("classweb/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Write(data)
	}
}
