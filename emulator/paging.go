package emulator

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// page is the window a Describe call asked for: PageNumber/PageSize, or NextToken/MaxResults
// (the second wins when either of its parameters is present, as the real API documents).
type page struct {
	token  bool
	number int
	size   int
	offset int
}

// maxPageNumber is the largest PageNumber (and NextToken offset) accepted: the API types them
// as 32-bit Integer. Bounding them keeps (PageNumber-1)*PageSize from overflowing.
const maxPageNumber = math.MaxInt32

// tokenPrefix makes NextToken values recognisable, so a foreign token is an error.
const tokenPrefix = "emu."

func parsePage(r *protocol.Request, defSize, maxSize int) (page, error) {
	// PageNumber/PageSize errors are InvalidParam.*, NextToken/MaxResults ones
	// InvalidParameter.*, all 400, with the messages of the DescribeInvocationResults and
	// DescribeSendFileResults "Error codes" tables (checked 2026-12-02), which do not say
	// what the limit is.
	bad := func(name string) error {
		if name == "NextToken" || name == "MaxResults" {
			return protocol.NewError(http.StatusBadRequest, "InvalidParameter."+name, "The specified parameter "+name+" is not valid.")
		}
		return protocol.NewError(http.StatusBadRequest, "InvalidParam."+name, "The specified parameter is invalid.")
	}
	p := page{number: 1, size: defSize}
	maxResults, hasMax, err := r.Int("MaxResults")
	if err != nil {
		return p, err
	}
	if tok := r.Get("NextToken"); tok != "" || hasMax {
		p.token = true
		if hasMax {
			if maxResults < 1 || maxResults > maxSize {
				return p, bad("MaxResults")
			}
			p.size = maxResults
		}
		if tok != "" {
			n, ok := tokenOffset(tok)
			if !ok {
				return p, bad("NextToken")
			}
			p.offset = n
		}
		return p, nil
	}
	number, hasNumber, err := r.Int("PageNumber")
	if err != nil {
		return p, err
	}
	if hasNumber {
		if number < 1 || number > maxPageNumber {
			return p, bad("PageNumber")
		}
		p.number = number
	}
	size, hasSize, err := r.Int("PageSize")
	if err != nil {
		return p, err
	}
	if hasSize {
		if size < 1 || size > maxSize {
			return p, bad("PageSize")
		}
		p.size = size
	}
	p.offset = (p.number - 1) * p.size
	return p, nil
}

// tokenOffset reads the offset a NextToken of window carries; false for a foreign token.
func tokenOffset(tok string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(tok, tokenPrefix))
	if !strings.HasPrefix(tok, tokenPrefix) || err != nil || n < 0 || n > maxPageNumber {
		return 0, false
	}
	return n, true
}

// window returns the slice bounds of the page over total items and the next token.
func (p page) window(total int) (start, end int, next string) {
	start = min(p.offset, total)
	end = min(start+p.size, total)
	if p.token && end < total {
		next = tokenPrefix + strconv.Itoa(end)
	}
	return start, end, next
}

// paging is the part of a list answer that describes the page.
type paging struct {
	PageNumber int    `json:"PageNumber,omitempty"`
	PageSize   int    `json:"PageSize,omitempty"`
	MaxResults int    `json:"MaxResults,omitempty"`
	TotalCount int    `json:"TotalCount"`
	NextToken  string `json:"NextToken"`
}

func (p page) answer(total int, next string) paging {
	if p.token {
		return paging{MaxResults: p.size, TotalCount: total, NextToken: next}
	}
	return paging{PageNumber: p.number, PageSize: p.size, TotalCount: total}
}
