// Package model is the emulated world of one region: instances, commands, invocations and
// their per-instance runs. It validates and applies what an API call does, and never formats
// an answer; the emulator package turns requests into calls here and results into JSON.
package model
