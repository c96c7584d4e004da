//go:build js && wasm

// Command wasm is the engine for the browser console: the only file that imports syscall/js. It registers
// globalThis.mobisess = {call(method, paramsJSON, bytes?) → Promise, onProgress}; the contract is in
// web/worker.js and docs/api.md. Everything it does is core/api's, which is tested natively.
package main

import (
	"context"
	"encoding/json"
	"syscall/js"

	"github.com/mobisess/mobisess/core/api"
)

func main() {
	register(js.Global())
	select {} // the Go program must outlive main for the callbacks to run
}

// register installs the mobisess global on g and returns it.
func register(g js.Value) js.Value {
	engine := js.Global().Get("Object").New()
	var a *api.API
	a = api.New(nil, api.Options{CanOpen: true, Progress: func(phase string, done, total int) {
		cb := engine.Get("onProgress")
		if cb.Type() != js.TypeFunction {
			return
		}
		msg, _ := json.Marshal(struct {
			Phase string `json:"phase"`
			Done  int    `json:"done"`
			Total int    `json:"total"`
		}{phase, done, total})
		cb.Invoke(string(msg))
	}})
	engine.Set("call", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return call(a, args)
	}))
	g.Set("mobisess", engine)
	return engine
}

// call returns a Promise; the work runs in a goroutine so that the JS caller is never blocked by Go.
func call(a *api.API, args []js.Value) any {
	var method, params string
	var data []byte
	if len(args) > 0 {
		method = args[0].String()
	}
	if len(args) > 1 && args[1].Type() == js.TypeString {
		params = args[1].String()
	}
	if len(args) > 2 && args[2].Truthy() {
		data = make([]byte, args[2].Get("length").Int())
		js.CopyBytesToGo(data, args[2])
	}
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, p []js.Value) any {
		resolve, reject := p[0], p[1]
		go func() {
			defer executor.Release()
			res, err := safeCall(a, method, params, data)
			if err != nil {
				msg, _ := json.Marshal(err)
				reject.Invoke(js.Global().Get("Error").New(string(msg)))
				return
			}
			out := js.Global().Get("Object").New()
			out.Set("json", string(res.JSON))
			if res.Bytes != nil {
				b := js.Global().Get("Uint8Array").New(len(res.Bytes))
				js.CopyBytesToJS(b, res.Bytes)
				out.Set("bytes", b)
			}
			resolve.Invoke(out)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// safeCall turns any error into an *api.Error, which is what the page shows.
func safeCall(a *api.API, method, params string, data []byte) (api.Result, *api.Error) {
	res, err := a.Call(context.Background(), method, []byte(params), data)
	if err != nil {
		if e, ok := err.(*api.Error); ok {
			return res, e
		}
		return res, &api.Error{Message: err.Error(), Kind: "internal"}
	}
	return res, nil
}
