package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"golang.org/x/oauth2"
)

// TestTokenUser: the user the token answer names ("user_id", as text or a
// number) is kept in the token file and inherited by a refreshed token
// whose answer leaves it out, so an API with no "who am I" call still
// knows whose data it exports.
func TestTokenUser(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.PostFormValue("grant_type") {
		case "authorization_code":
			fmt.Fprint(w, `{"access_token":"a1","refresh_token":"r1","expires_in":-10,"token_type":"Bearer","user_id":4200000012,"scope":"activity sleep"}`)
		case "refresh_token":
			fmt.Fprint(w, `{"access_token":"a2","refresh_token":"r2","expires_in":28800,"token_type":"Bearer"}`)
		}
	}))
	defer srv.Close()
	p := Server{TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s"}
	ctx := context.Background()
	tok, err := p.config("http://127.0.0.1/cb").Exchange(p.withClient(ctx, srv.Client()), "code")
	if err != nil {
		t.Fatal(err)
	}
	if got := User(tok); got != "4200000012" {
		t.Fatalf("User(exchanged) = %q, want the number as text", got)
	}
	store := NewFileStore(filepath.Join(t.TempDir(), "token.json"))
	if err := store.Save(ctx, tok); err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(ctx, p, store, WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Token(ctx); err != nil { // expired: refreshes
		t.Fatal(err)
	}
	saved, err := store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if saved.AccessToken != "a2" || User(saved) != "4200000012" || len(Scopes(saved)) != 2 {
		t.Fatalf("after refresh the file holds %q, user %q, scopes %q; want a2, the user and both scopes",
			saved.AccessToken, User(saved), Scopes(saved))
	}
	for _, tc := range []struct {
		extra any
		want  string
	}{{"26FWFL", "26FWFL"}, {float64(12), "12"}, {nil, ""}, {true, ""}} {
		tok := (&oauth2.Token{AccessToken: "x"}).WithExtra(map[string]any{"user_id": tc.extra})
		if got := User(tok); got != tc.want {
			t.Errorf("User(user_id=%v) = %q, want %q", tc.extra, got, tc.want)
		}
	}
}
