package openscaler

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/panelsim/panelsim/internal/apierr"
	"github.com/panelsim/panelsim/internal/provider"
	"github.com/panelsim/panelsim/internal/state"
)

// Certificate is a TLS certificate of a load balancer, as the pages show it (its times with
// a Z, unlike the VM's). Only what the pages show is kept: not the key.
type Certificate struct {
	Name       string `json:"name"`
	CertType   string `json:"cert_type"`
	CommonName string `json:"common_name"`
	Subject    string `json:"subject"`
	Domains    string `json:"domains"`
	Issuers    string `json:"issuers"`
	NotBefore  string `json:"not_before"`
	NotAfter   string `json:"not_after"`
	Serial     string `json:"serial"`
	Size       int    `json:"size"`
}

type certificateInput struct {
	Name            string `json:"name"`
	CertType        string `json:"cert_type"`
	CNName          string `json:"cn_name"`
	LetEncryptEmail string `json:"let_encrypt_email"`
	CertContent     string `json:"cert_content"`
}

const certTime = "2006-01-02T15:04:05Z"

// Validity of the certificates panelsim makes.
const (
	selfSignedDays  = 365
	letsEncryptDays = 90
)

func findCertificate(lb *LB, name string) int {
	for i := range lb.Certificates {
		if lb.Certificates[i].Name == name {
			return i
		}
	}
	return -1
}

func errCertificateNotFound(name string) error {
	return apierr.NotFound("Certificate '" + name + "' not found")
}

// check is the model's validator: what each cert_type needs.
func (in *certificateInput) check(body any) error {
	switch {
	case in.CertType == "let_encrypt" && (in.CNName == "" || in.LetEncryptEmail == ""):
		return valueError([]any{"body"}, body, "cn_name and let_encrypt_email are required for a let_encrypt certificate")
	case in.CertType == "upload" && strings.TrimSpace(in.CertContent) == "":
		return valueError([]any{"body"}, body, "cert_content is required for an upload certificate")
	}
	return nil
}

// lbCreateCertificate makes a self-signed certificate, has one issued by Let's Encrypt (at
// once: panelsim runs no ACME challenge), or reads an uploaded one (PEM: the certificate and
// its private key).
func (p *Provider) lbCreateCertificate(c echo.Context) error {
	var in certificateInput
	if err := p.bind(c, &in); err != nil {
		return err
	}
	if err := in.check(sentObject(c)); err != nil {
		return err
	}
	var out Certificate
	err := p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		if findCertificate(lb, in.Name) >= 0 {
			return apierr.Conflict(fmt.Sprintf("Certificate '%s' already exists on load balancer %d", in.Name, lb.ID))
		}
		if len(lb.Certificates) >= maxLBItems {
			return badRequest(fmt.Sprintf("Load balancer %d has %d certificates, the most it can have.", lb.ID, maxLBItems))
		}
		cert, err := p.makeCertificate(tx, lb, &in)
		if err != nil {
			return err
		}
		lb.Certificates = append(lb.Certificates, *cert)
		out = *cert
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (p *Provider) makeCertificate(tx *state.Tx, lb *LB, in *certificateInput) (*Certificate, error) {
	if in.CertType == "upload" {
		return readCertificate(in.Name, in.CertContent)
	}
	cn, issuer, days := in.CNName, "R11", letsEncryptDays
	if in.CertType == "self_signed" {
		if cn == "" {
			cn = lb.Name
		}
		issuer, days = cn, selfSignedDays
	}
	f := p.Faker(fmt.Sprintf("certificate:%d:%s", lb.ID, in.Name), tx.Now.Unix())
	serial := make([]byte, 16)
	for i := range serial {
		serial[i] = byte(f.IntN(256))
	}
	serial[0] &= 0x7f
	now := tx.Now.UTC().Truncate(time.Second)
	return &Certificate{Name: in.Name, CertType: in.CertType, CommonName: cn, Subject: "CN=" + cn, Domains: cn, Issuers: issuer,
		NotBefore: now.Format(certTime), NotAfter: now.AddDate(0, 0, days).Format(certTime), Serial: hexSerial(serial), Size: 2048}, nil
}

// readCertificate reads an uploaded PEM: the first certificate, and a private key that
// matches it.
func readCertificate(name, content string) (*Certificate, error) {
	var (
		cert *x509.Certificate
		key  crypto.PublicKey
	)
	rest := []byte(content)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "CERTIFICATE" && cert == nil:
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, badRequest("cert_content holds a certificate that cannot be read: " + err.Error() + ".")
			}
			cert = c
		case strings.HasSuffix(block.Type, "PRIVATE KEY") && key == nil:
			key = publicOf(block)
		}
	}
	switch {
	case cert == nil:
		return nil, badRequest("cert_content holds no PEM certificate.")
	case key == nil:
		return nil, badRequest("cert_content holds no private key (PEM) for the certificate.")
	}
	if k, ok := key.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(cert.PublicKey) {
		return nil, badRequest("The private key in cert_content does not match the certificate.")
	}
	domains := strings.Join(cert.DNSNames, ", ")
	if domains == "" {
		domains = cert.Subject.CommonName
	}
	issuer := cert.Issuer.CommonName
	if issuer == "" {
		issuer = cert.Issuer.String()
	}
	return &Certificate{Name: name, CertType: "upload", CommonName: cert.Subject.CommonName, Subject: cert.Subject.String(),
		Domains: domains, Issuers: issuer, NotBefore: cert.NotBefore.UTC().Format(certTime), NotAfter: cert.NotAfter.UTC().Format(certTime),
		Serial: hexSerial(cert.SerialNumber.Bytes()), Size: keyBits(cert.PublicKey)}, nil
}

// publicOf is the public half of a PEM private key, nil when it cannot be read.
func publicOf(block *pem.Block) crypto.PublicKey {
	var priv any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		priv, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil
	}
	if s, ok := priv.(crypto.Signer); ok {
		return s.Public()
	}
	return nil
}

func keyBits(k crypto.PublicKey) int {
	switch pub := k.(type) {
	case *rsa.PublicKey:
		return pub.N.BitLen()
	case *ecdsa.PublicKey:
		return pub.Curve.Params().BitSize
	case ed25519.PublicKey:
		return 256
	}
	return 0
}

// hexSerial writes a serial number as the pages do: "03:AB:CD:EF".
func hexSerial(b []byte) string {
	if len(b) == 0 {
		b = []byte{0}
	}
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}

func (p *Provider) lbGetCertificate(c echo.Context) error {
	var out Certificate
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err != nil {
			return err
		}
		name := provider.PathString(c, "certificate_name")
		i := findCertificate(lb, name)
		if i < 0 {
			return errCertificateNotFound(name)
		}
		out = lb.Certificates[i]
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (p *Provider) lbListCertificates(c echo.Context) error {
	var out []Certificate
	err := provider.World(c).View(func(tx *state.Tx) error {
		lb, err := lbFromPath(tx, c)
		if err == nil {
			out = append([]Certificate{}, lb.Certificates...)
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certificates": out})
}

// lbDeleteCertificate removes a certificate no bind uses.
func (p *Provider) lbDeleteCertificate(c echo.Context) error {
	name := provider.PathString(c, "certificate_name")
	return p.done(c, p.changeLB(c, func(tx *state.Tx, lb *LB) error {
		i := findCertificate(lb, name)
		if i < 0 {
			return errCertificateNotFound(name)
		}
		for _, f := range lb.Frontends {
			for _, b := range f.Binds {
				if b.SSLCertificate != nil && *b.SSLCertificate == name {
					return apierr.Conflict(fmt.Sprintf("Certificate '%s' is used by frontend '%s' (port %d)", name, f.Name, b.Port))
				}
			}
		}
		lb.Certificates = append(lb.Certificates[:i], lb.Certificates[i+1:]...)
		return nil
	}))
}
