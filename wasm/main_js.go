//go:build js && wasm

// Command wasm is the engine for the browser console: the only file that imports syscall/js. It registers
// globalThis.mobisess = {call, warmUp} and reads the onProgress the worker sets on it;
// the contract is in web/worker.js and docs/api.md. Everything it does is the console package's method table
// (core/console), which is tested natively.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/mobisess/mobisess/core"
	"github.com/mobisess/mobisess/core/console"
)

func main() {
	register(js.Global())
	select {} // the Go program must outlive main for the callbacks to run
}

// register installs the mobisess global on g and returns it.
func register(g js.Value) js.Value {
	engine := js.Global().Get("Object").New()
	svc := console.NewService(nil, console.Options{CanOpen: true, Progress: func(phase string, done, total int) {
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
		return call(svc, args)
	}))
	// warmUp(times) opens the enlarged sample times, privately (console.WarmUp).
	engine.Set("warmUp", js.FuncOf(func(_ js.Value, args []js.Value) any {
		times := 1
		if len(args) > 0 && args[0].Type() == js.TypeNumber {
			times = args[0].Int()
		}
		return promise(func() (js.Value, error) {
			return js.Undefined(), console.WarmUp(context.Background(), times)
		})
	}))
	g.Set("mobisess", engine)
	return engine
}

// call runs one of the console's methods and returns a Promise of {json, bytes?}; a refusal rejects it with an
// Error whose message is the error's JSON document (console.Error).
func call(svc *console.Service, args []js.Value) any {
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
	return promise(func() (js.Value, error) {
		if method == "openZip" {
			defer holdCollectorBack(len(data))()
		}
		res, err := svc.Call(context.Background(), method, []byte(params), data)
		if err != nil {
			return js.Value{}, err
		}
		out := js.Global().Get("Object").New()
		// The JSON is not used again in Go: passed without the copy string() would make (6.4 MB for a State of
		// 10k sessions), the browser decodes it straight from the engine's memory.
		out.Set("json", unsafe.String(unsafe.SliceData(res.JSON), len(res.JSON)))
		if res.Bytes != nil {
			out.Set("bytes", bytesToJS(res.Bytes))
		}
		return out, nil
	})
}

// promise runs work in a goroutine, so that the JS caller is never blocked by Go, and settles a Promise with its
// value, or rejects it with an Error whose message is the error's document (console.Error) as JSON. It is the
// one place a panic is recovered: a bug is answered as an error of kind internal.
func promise(work func() (js.Value, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, p []js.Value) any {
		resolve, reject := p[0], p[1]
		go func() {
			defer executor.Release()
			defer func() {
				// A panic is a bug, but it must not take the engine, and the page's folder, down with it.
				if p := recover(); p != nil {
					reject.Invoke(jsError(&console.Error{Message: fmt.Sprintf("internal error: %v", p), Kind: core.KindInternal}))
				}
			}()
			v, err := work()
			if err != nil {
				reject.Invoke(jsError(console.ErrorOf(err)))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// jsError is the JS Error the worker receives for e: its message is e's JSON document.
func jsError(e *console.Error) js.Value {
	doc, _ := json.Marshal(e)
	return js.Global().Get("Error").New(string(doc))
}

func bytesToJS(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}

// holdCollectorBack holds the garbage collector back while a zip of zipSize bytes opens, until the heap has grown by four times the zip and 64 MiB. In WebAssembly the collector runs
// on the engine's one thread (natively, on another core), and most of what an open allocates stays live (the
// files, the sessions, the State), so collecting midway reclaims little for its time: 8-10% of an open of 10k
// sessions. For that open the memory peak hardly moves (a collection is due near it anyway); a larger zip is
// collected at the limit.
//
// The function it returns lets the collector go, not at once but once the answer has been handed over: the
// collection then due would otherwise run before the worker gets the answer, 30-80 ms for 10k sessions.
func holdCollectorBack(zipSize int) (release func()) {
	collector.Lock()
	defer collector.Unlock()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	limit := int64(ms.HeapInuse) + 4*int64(zipSize) + 64<<20
	if collector.holds == 0 {
		collector.percent = debug.SetGCPercent(-1)
		collector.limit = debug.SetMemoryLimit(limit)
	} else {
		debug.SetMemoryLimit(limit) // the heap has grown since the first hold, by what that one holds
	}
	collector.holds++
	return sync.OnceFunc(func() {
		time.AfterFunc(collectorReleaseDelay, func() {
			collector.Lock()
			defer collector.Unlock()
			if collector.holds--; collector.holds == 0 {
				debug.SetMemoryLimit(collector.limit)
				debug.SetGCPercent(collector.percent)
			}
		})
	})
}

// collectorReleaseDelay is how long the collector stays held after the answer: a timer fires from the
// browser's event loop, after the answer's promise has settled and the worker has posted it.
const collectorReleaseDelay = 10 * time.Millisecond

// collector is what holdCollectorBack holds: the settings to restore once no open holds it any more.
var collector struct {
	sync.Mutex
	holds   int
	percent int
	limit   int64
}
