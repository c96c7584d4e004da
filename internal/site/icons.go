package site

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
)

// The icon is web/site/icon.svg's: a blue rounded square with a white M, on a 16×16 grid. Browsers and systems
// that want PNG icons (the install prompt, a home screen) get it drawn here, at build time, so that no binary
// image is committed.
var (
	iconBlue  = color.NRGBA{0x25, 0x63, 0xeb, 0xff}
	iconWhite = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	// The M: M4 12V5l4 4 4-4v7, stroke 1.6.
	iconM      = [][2]float64{{4, 12}, {4, 5}, {8, 9}, {12, 5}, {12, 12}}
	iconStroke = 1.6
)

// Icons are the PNG icons of the web manifest: 192 and 512 px, and a maskable one (full-bleed background, the
// M inside the safe zone, for systems that cut icons to their own shape).
var Icons = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"icon-192.png":          drawIcon(192, false),
		"icon-512.png":          drawIcon(512, false),
		"icon-maskable-512.png": drawIcon(512, true),
	}
})

// drawIcon draws the icon at size px, 4×4 samples a pixel.
func drawIcon(size int, maskable bool) []byte {
	const samples = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	unit := float64(size) / 16 // px per grid unit
	scale, offset := 1.0, 0.0  // of the M within the grid
	if maskable {
		scale, offset = 0.7, 16*0.15 // 70% of the grid, centred: well within the safe zone's circle
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var bg, fg int
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					gx := (float64(x) + (float64(sx)+0.5)/samples) / unit
					gy := (float64(y) + (float64(sy)+0.5)/samples) / unit
					if !maskable && !inRoundedSquare(gx, gy, 16, 3) {
						continue
					}
					bg++
					if onM((gx-offset)/scale, (gy-offset)/scale) {
						fg++
					}
				}
			}
			if bg == 0 {
				continue
			}
			// White over blue in proportion, the square's own coverage as alpha.
			mix := func(b, w uint8) uint8 {
				return uint8((int(b)*(bg-fg) + int(w)*fg + bg/2) / bg)
			}
			img.SetNRGBA(x, y, color.NRGBA{mix(iconBlue.R, iconWhite.R), mix(iconBlue.G, iconWhite.G), mix(iconBlue.B, iconWhite.B),
				uint8(255 * bg / (samples * samples))})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return buf.Bytes()
}

func inRoundedSquare(x, y, side, r float64) bool {
	if x < 0 || y < 0 || x > side || y > side {
		return false
	}
	cx := math.Max(r, math.Min(x, side-r))
	cy := math.Max(r, math.Min(y, side-r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// onM says whether a point of the grid is under the M's stroke (round joins, ends cut flat at the baseline).
func onM(x, y float64) bool {
	if y > iconM[0][1] {
		return false
	}
	half := iconStroke / 2
	for i := 1; i < len(iconM); i++ {
		if distToSegment(x, y, iconM[i-1], iconM[i]) <= half {
			return true
		}
	}
	return false
}

func distToSegment(x, y float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((x-a[0])*dx + (y-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	px, py := a[0]+t*dx-x, a[1]+t*dy-y
	return math.Hypot(px, py)
}
