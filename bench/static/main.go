// Command static is the baseline of the load scripts: an echo server that answers bytes
// captured from panelsim, statically, the way a canned-response mock would. With -body every
// path gets one file's bytes; with -dir each request URI gets the file of the directory named
// by that URI, query-escaped (as bench/perfkit capture writes them), and an unknown URI a 404.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"
)

func main() {
	file := flag.String("body", "", "file whose bytes every answer carries")
	dir := flag.String("dir", "", "directory of answers, each file named by its request URI, query-escaped")
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	switch {
	case *dir != "":
		bodies, err := load(*dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		e.GET("/*", func(c echo.Context) error {
			body, ok := bodies[c.Request().RequestURI]
			if !ok {
				return c.Blob(http.StatusNotFound, echo.MIMEApplicationJSON, []byte(`{"error":"not captured"}`))
			}
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
		})
	default:
		body, err := os.ReadFile(*file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		e.GET("/*", func(c echo.Context) error { return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body) })
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("STATIC_URL=http://%s\n", ln.Addr())
	http.Serve(ln, e)
}

// load reads every file of dir into a map keyed by the unescaped file name.
func load(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	bodies := make(map[string][]byte, len(entries))
	for _, en := range entries {
		uri, err := url.QueryUnescape(en.Name())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", en.Name(), err)
		}
		if bodies[uri], err = os.ReadFile(filepath.Join(dir, en.Name())); err != nil {
			return nil, err
		}
	}
	return bodies, nil
}
