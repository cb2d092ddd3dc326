package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/panelsim/panelsim/internal/config"
)

// probeHealth GETs a running simulator's /_sim/health. It returns nil, and writes the answer
// to out, when the simulator answers 200 with status "ok"; anything else is an error.
func probeHealth(flags *config.Health, out io.Writer) error {
	url, err := flags.HealthURL()
	if err != nil {
		return err
	}
	res, err := httpClient(flags.Timeout, flags.Insecure).Get(url)
	if err != nil {
		return fmt.Errorf("health: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("health: %s: %v", url, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s: %s", url, res.Status)
	}
	var answer struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.Status != "ok" {
		return fmt.Errorf("health: %s: not a healthy panelsim answer: %.200q", url, body)
	}
	_, err = fmt.Fprintf(out, "%s\n", bytes.TrimSpace(body))
	return err
}

// httpClient is the client the commands that talk to a running simulator use; insecure skips
// certificate checks (for the self-signed certificate of --tls).
func httpClient(timeout time.Duration, insecure bool) *http.Client {
	client := &http.Client{Timeout: timeout}
	if insecure {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	}
	return client
}
