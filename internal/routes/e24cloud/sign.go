package e24cloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// Sign signs a request as e24cloud's REST API wants it (what Authenticate checks): an X-Date
// of now, and Authorization "<key>:<base64 HMAC-SHA256 of METHOD\nHOST\nX-Date\nPATH?QUERY\nBODY>"
// with the secret. body is the request's body as it will be sent.
func Sign(req *http.Request, body []byte, key, secret string, now time.Time) {
	date := now.UTC().Format(http.TimeFormat)
	req.Header.Set("X-Date", date)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(req.Method + "\n" + req.URL.Host + "\n" + date + "\n" + req.URL.RequestURI() + "\n"))
	mac.Write(body)
	req.Header.Set("Authorization", key+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}
