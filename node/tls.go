package node

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
)

// TLSCertificate is the certificate and key an HTTPServer serves TLS with, read from two PEM files and
// read again by Reload, so that a renewed certificate takes effect without a restart: connections already
// open keep the one they shook hands with.
type TLSCertificate struct {
	certFile, keyFile string
	cur               atomic.Pointer[tls.Certificate]
}

// LoadTLSCertificate reads a PEM certificate chain and its private key. An error names the file at fault
// when it can tell which.
func LoadTLSCertificate(certFile, keyFile string) (*TLSCertificate, error) {
	c := &TLSCertificate{certFile: certFile, keyFile: keyFile}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads the files again; on an error the certificate served so far stays.
func (c *TLSCertificate) Reload() error {
	// tls.LoadX509KeyPair does not say which file it could not read or parse: read each first.
	certPEM, err := os.ReadFile(c.certFile)
	if err != nil {
		return fmt.Errorf("read TLS certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(c.keyFile)
	if err != nil {
		return fmt.Errorf("read TLS key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("load TLS certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	c.cur.Store(&cert)
	return nil
}

// config is the server side of TLS: 1.2 at least, the current certificate at each handshake, and HTTP/1.1
// only. HTTP/2 stays off because the server's limits are per connection (the cap, the read and idle
// timeouts, a long poll holding its connection), which multiplexed streams would get around.
func (c *TLSCertificate) config() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			if cert := c.cur.Load(); cert != nil {
				return cert, nil
			}
			return nil, errors.New("no TLS certificate loaded")
		},
	}
}
