package journal

import (
	"regexp"
	"strings"
	"sync"
)

// MaxBody is the most of a request's or an answer's body the journal keeps.
const MaxBody = 4 << 10

// Exchange is what a request sent and what it was answered, as far as the journal keeps it:
// the first MaxBody bytes of each body, with the values of secret-looking fields masked
// when read (passwords, secrets, tokens, API keys, signatures).
type Exchange struct {
	RequestType   string `json:"requestContentType,omitempty"`
	Request       string `json:"requestBody"`
	RequestBytes  int    `json:"requestBytes"`
	ResponseType  string `json:"responseContentType,omitempty"`
	Response      string `json:"responseBody"`
	ResponseBytes int    `json:"responseBytes"`
}

// Bodies keeps the exchanges of the newest journal entries of every world, within a budget
// of bytes shared by all worlds: the oldest go first. A world's entry outlives its exchange
// when many requests came since; its exchange then reads as absent.
type Bodies struct {
	mu    sync.Mutex
	max   int
	used  int
	m     map[bodyKey]Exchange
	order []bodyKey // oldest first, from head
	head  int
}

type bodyKey struct {
	j   *Journal
	seq uint64
}

// NewBodies keeps exchanges of at most max bytes in all (nil when max <= 0: none kept).
func NewBodies(max int) *Bodies {
	if max <= 0 {
		return nil
	}
	return &Bodies{max: max, m: map[bodyKey]Exchange{}}
}

func (b *Bodies) keep(k bodyKey, x Exchange) {
	size := len(x.Request) + len(x.Response) + 64
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used+size > b.max && b.head < len(b.order) {
		old := b.order[b.head]
		b.order[b.head] = bodyKey{}
		b.head++
		if e, ok := b.m[old]; ok {
			b.used -= len(e.Request) + len(e.Response) + 64
			delete(b.m, old)
		}
	}
	if b.head > len(b.order)/2 && b.head > 1024 { // give the queue's front back
		b.order = append(b.order[:0:0], b.order[b.head:]...)
		b.head = 0
	}
	if size > b.max {
		return
	}
	b.m[k] = x
	b.order = append(b.order, k)
	b.used += size
}

func (b *Bodies) get(k bodyKey) (Exchange, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	x, ok := b.m[k]
	return x, ok
}

// Cut keeps the first MaxBody bytes of body, as the journal stores it.
func Cut(body []byte) string {
	if len(body) > MaxBody {
		body = body[:MaxBody]
	}
	return string(body)
}

// secretField matches a JSON field whose name says it holds a secret, with a string value.
var secretField = regexp.MustCompile(`(?i)("[A-Za-z0-9_]*(?:password|passwd|secret|token|apikey|api_key|secret_key|secretkey|private_key|privatekey|signature)"\s*:\s*)"(?:[^"\\]|\\.)*("?)`)

// secretObject matches a JSON field named tokens or secrets whose value is an object of strings.
var secretObject = regexp.MustCompile(`(?i)"(?:tokens|secrets|passwords)"\s*:\s*\{[^{}]*\}?`)

var anyString = regexp.MustCompile(`(:\s*)"(?:[^"\\]|\\.)*"?`)

// Mask replaces the values of secret-looking fields of a JSON or form body with "REDACTED";
// it works on a body cut short too.
func Mask(contentType, body string) string {
	if body == "" {
		return body
	}
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		return Redact(body)
	}
	body = secretObject.ReplaceAllStringFunc(body, func(m string) string {
		return anyString.ReplaceAllString(m, `$1"REDACTED"`)
	})
	return secretField.ReplaceAllString(body, `$1"REDACTED$2`)
}

// masked is x with its bodies masked, for reading.
func (x Exchange) masked() *Exchange {
	x.Request = Mask(x.RequestType, x.Request)
	x.Response = Mask(x.ResponseType, x.Response)
	return &x
}
