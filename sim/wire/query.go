package wire

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"

	"kmslab/sim/api"
)

// QueryProtocol describes one awsQuery service's framing.
type QueryProtocol struct {
	Namespace string // xmlns of responses, e.g. https://iam.amazonaws.com/doc/2010-05-08/
}

// ParseForm decodes an awsQuery body (application/x-www-form-urlencoded) merged
// with the URL query, body values first.
func ParseForm(rawQuery string, body []byte) (url.Values, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, api.BadRequest("MalformedQueryString", "The query string is malformed: %s", err.Error())
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, api.BadRequest("MalformedQueryString", "The query string is malformed: %s", err.Error())
	}
	for k, vs := range q {
		if _, ok := form[k]; !ok {
			form[k] = vs
		}
	}
	return form, nil
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// Write writes <OpResponse><OpResult>out</OpResult><ResponseMetadata/></OpResponse>.
func (p QueryProtocol) Write(w http.ResponseWriter, op, requestID string, out any) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: op + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: p.Namespace}}}
	err := enc.EncodeToken(start)
	if err == nil && out != nil {
		err = enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: op + "Result"}})
	}
	if err == nil {
		err = enc.EncodeElement(responseMetadata{RequestID: requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	}
	if err == nil {
		err = enc.EncodeToken(start.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		p.WriteError(w, requestID, &api.Error{Code: "InternalFailure", Message: "failed to encode response", Status: 500})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

type xmlError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// WriteError writes the awsQuery ErrorResponse document.
func (p QueryProtocol) WriteError(w http.ResponseWriter, requestID string, err error) {
	e := AsAPIError(err)
	var doc xmlError
	doc.Xmlns = p.Namespace
	doc.Error.Type = "Sender"
	if e.Status >= 500 {
		doc.Error.Type = "Receiver"
	}
	doc.Error.Code = e.Code
	doc.Error.Message = e.Message
	doc.RequestID = requestID
	b, _ := xml.Marshal(doc)
	b = append([]byte(xml.Header), b...)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}
