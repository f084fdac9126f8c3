package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/upexport/upexport/fetch/auth"
)

// The test binary doubles as a second upexport process for the two-process
// lock test: re-executed with childEnv set, it makes one API call through a
// FileStore session and exits.
const childEnv = "UPEXPORT_AUTH_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "refresh" {
		os.Exit(refreshChild())
	}
	os.Exit(m.Run())
}

func refreshChild() int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := auth.Server{
		TokenURL: os.Getenv("CHILD_TOKEN_URL"),
		ClientID: os.Getenv("CHILD_CLIENT_ID"), ClientSecret: os.Getenv("CHILD_CLIENT_SECRET"),
	}
	sess, err := auth.NewSession(ctx, p, auth.NewFileStore(os.Getenv("CHILD_TOKEN_FILE")), auth.ForAPI(os.Getenv("CHILD_API_URL")))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	// Start together: the parent releases both children at the same instant.
	for os.Getenv("CHILD_GO_FILE") != "" {
		if _, err := os.Stat(os.Getenv("CHILD_GO_FILE")); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, os.Getenv("CHILD_API_URL")+"/users/@me", nil)
	resp, err := sess.Client().Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "child: status", resp.Status)
		return 1
	}
	fmt.Printf("refreshes=%d\n", sess.Refreshes())
	return 0
}
