// Package ci holds the example CI configurations of README's "Scheduled
// exports" section; its tests keep README's copy identical to the file and
// check the GitLab job's shape (GitLab's own lint needs a GitLab server;
// .ci/run lints the GitHub workflow with actionlint).
package ci

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// fencedBlock returns the body of the first fenced code block in md whose
// first line is first.
func fencedBlock(md []byte, first string) ([]byte, bool) {
	lines := bytes.SplitAfter(md, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		fence := bytes.TrimRight(lines[i], "\n")
		if !bytes.HasPrefix(fence, []byte("```")) || i+1 >= len(lines) || string(bytes.TrimRight(lines[i+1], "\n")) != first {
			continue
		}
		var body []byte
		for _, l := range lines[i+1:] {
			if string(bytes.TrimRight(l, "\n")) == "```" {
				return body, true
			}
			body = append(body, l...)
		}
		return nil, false // not closed
	}
	return nil, false
}

func TestReadmeWorkflowIsTheFile(t *testing.T) {
	file, err := os.ReadFile("github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(file), "\n")
	block, ok := fencedBlock(readme, first)
	if !ok {
		t.Fatalf("README.md has no code block starting with %q", first)
	}
	if !bytes.Equal(block, file) {
		t.Errorf("README.md's workflow differs from examples/ci/github-actions.yml: copy the file into the block")
	}
	if !strings.Contains(string(readme), "examples/ci/gitlab-ci.yml") {
		t.Error("README.md does not link the GitLab job")
	}
}

func TestFencedBlock(t *testing.T) {
	md := "text\n```yaml\n# a\nx: 1\n```\n```\n# b\n```\n"
	for _, tt := range []struct {
		first, want string
		ok          bool
	}{
		{"# a", "# a\nx: 1\n", true},
		{"# b", "# b\n", true},
		{"# c", "", false},
	} {
		got, ok := fencedBlock([]byte(md), tt.first)
		if ok != tt.ok || string(got) != tt.want {
			t.Errorf("%q: %q %v", tt.first, got, ok)
		}
	}
	if _, ok := fencedBlock([]byte("```\n# a\nx: 1\n"), "# a"); ok {
		t.Error("an unclosed block was taken")
	}
}

// gitlabJob is the part of a GitLab CI job the example relies on.
type gitlabJob struct {
	Image         string              `yaml:"image"`
	Rules         []map[string]string `yaml:"rules"`
	ResourceGroup string              `yaml:"resource_group"`
	Variables     map[string]string   `yaml:"variables"`
	Cache         struct {
		Key   string   `yaml:"key"`
		Paths []string `yaml:"paths"`
	} `yaml:"cache"`
	BeforeScript []string `yaml:"before_script"`
	Script       []string `yaml:"script"`
	Artifacts    struct {
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

// checkGitLab checks a GitLab CI file: valid YAML with a job that runs on a
// schedule, one at a time, keeps the export directory in the cache, runs an
// incremental export and hands the rotated token over in the same script.
func checkGitLab(data []byte) []string {
	var jobs map[string]yaml.Node
	if err := yaml.Unmarshal(data, &jobs); err != nil {
		return []string{"not YAML: " + err.Error()}
	}
	var problems []string
	found := 0
	for name, node := range jobs {
		var job gitlabJob
		if err := node.Decode(&job); err != nil {
			problems = append(problems, name+": "+err.Error())
			continue
		}
		if len(job.Script) == 0 {
			continue // not a job (variables:, default:, ...)
		}
		found++
		script := strings.Join(job.Script, "\n")
		if !slices.ContainsFunc(job.Rules, func(r map[string]string) bool {
			return strings.Contains(r["if"], `$CI_PIPELINE_SOURCE == "schedule"`)
		}) {
			problems = append(problems, name+": no rule that runs it on a schedule")
		}
		if job.ResourceGroup == "" {
			problems = append(problems, name+": no resource_group: two runs could overlap")
		}
		if !slices.Contains(job.Cache.Paths, "up/") || job.Cache.Key == "" {
			problems = append(problems, name+": the export directory up/ is not cached")
		}
		if !strings.Contains(script, "upexport export --incremental") || !strings.Contains(script, "--out up") {
			problems = append(problems, name+": no incremental export into up")
		}
		if job.Variables["UPEXPORT_REFRESH_TOKEN_OUT"] == "" || !strings.Contains(script, "variables/UPEXPORT_REFRESH_TOKEN") {
			problems = append(problems, name+": the rotated refresh token is not handed over")
		}
		if !strings.Contains(strings.Join(job.BeforeScript, "\n"), "sha256sum -c") {
			problems = append(problems, name+": the release archive is not checked")
		}
	}
	if found == 0 {
		problems = append(problems, "no job with a script")
	}
	return problems
}

func TestGitLabJob(t *testing.T) {
	data, err := os.ReadFile("gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkGitLab(data) {
		t.Error(p)
	}
}

// TestCheckGitLab: the check finds what it is there to find.
func TestCheckGitLab(t *testing.T) {
	good, err := os.ReadFile("gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"flow mapping with braces", "    key: up-export\n", "    {key: up-export, paths: [up/]\n", "not YAML"},
		{"no schedule rule", `$CI_PIPELINE_SOURCE == "schedule"`, `$CI_PIPELINE_SOURCE == "push"`, "schedule"},
		{"no cache", "      - up/\n      - .up.partial/\n", "      - other/\n", "not cached"},
		{"no hand-over", "variables/UPEXPORT_REFRESH_TOKEN", "variables/SOMETHING", "handed over"},
		{"no resource group", "  resource_group: up-export\n", "", "overlap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(good, []byte(tt.old)) {
				t.Fatalf("the example has no %q", tt.old)
			}
			bad := bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
			problems := checkGitLab(bad)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("problems %q, want one about %q", problems, tt.want)
			}
		})
	}
}
