// Command static is the baseline of the load scripts: an echo server that answers one file's
// bytes, statically, on every path, the way a canned-response mock would.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"
)

func main() {
	file := flag.String("body", "", "file whose bytes every answer carries")
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/*", func(c echo.Context) error { return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body) })
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("STATIC_URL=http://%s\n", ln.Addr())
	http.Serve(ln, e)
}
