// Package faultproxy is a TCP proxy for tests that can take its target offline: while it is
// down, every connection is cut, as during a network or API outage.
package faultproxy

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
)

// Proxy forwards TCP connections from its own loopback address to a target address.
type Proxy struct {
	ln     net.Listener
	target string
	down   atomic.Bool
	// refused counts the connections cut while down, so tests can wait for a retry.
	refused atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// Start listens on 127.0.0.1 and forwards to target ("host:port" or an http:// URL).
func Start(target string) (*Proxy, error) {
	target = strings.TrimPrefix(strings.TrimPrefix(target, "http://"), "https://")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: strings.TrimRight(target, "/"), conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// URL is the proxy's address as an http:// endpoint.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetDown starts (true) or ends (false) an outage. Starting one cuts open connections too.
func (p *Proxy) SetDown(down bool) {
	p.down.Store(down)
	if down {
		p.mu.Lock()
		for c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
	}
}

// Refused is the number of connections cut by an outage so far.
func (p *Proxy) Refused() int64 { return p.refused.Load() }

// Close stops the proxy and cuts every connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.SetDown(true)
	p.wg.Wait()
	return err
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.down.Load() {
			p.refused.Add(1)
			_ = c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

func (p *Proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) forward(in net.Conn) {
	defer p.wg.Done()
	out, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = in.Close()
		return
	}
	p.track(in, true)
	p.track(out, true)
	defer func() {
		p.track(in, false)
		p.track(out, false)
		_ = in.Close()
		_ = out.Close()
	}()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
	go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
	<-done
}
