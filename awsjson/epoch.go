package awsjson

import (
	"strconv"
	"time"
)

// Epoch is a timestamp as AWS JSON 1.0 carries it: epoch seconds as a JSON number, to the millisecond.
type Epoch time.Time

// MarshalJSON writes the time as epoch seconds with a millisecond fraction (none when whole).
func (t Epoch) MarshalJSON() ([]byte, error) {
	return AppendEpoch(nil, time.Time(t)), nil
}

// AppendEpoch appends t as epoch seconds with a millisecond fraction.
func AppendEpoch(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		b, ms = append(b, '-'), -ms
	}
	sec, frac := ms/1000, ms%1000
	b = strconv.AppendInt(b, sec, 10)
	if frac == 0 {
		return b
	}
	b = append(b, '.', byte('0'+frac/100))
	frac %= 100
	if frac != 0 {
		b = append(b, byte('0'+frac/10))
		if frac%10 != 0 {
			b = append(b, byte('0'+frac%10))
		}
	}
	return b
}
