package declarative

// The file's structure. Every field has a yaml tag: checkKeys reads the
// tags to refuse keys the structure does not have, with their lines.

type fileSpec struct {
	Name  string    `yaml:"name"`
	Title string    `yaml:"title"`
	Docs  string    `yaml:"docs"`
	Demo  string    `yaml:"demo"`
	OAuth oauthSpec `yaml:"oauth"`
	API   apiSpec   `yaml:"api"`
	// Resources in export order; each holds the tables its items become.
	Resources []resourceSpec `yaml:"resources"`
}

type oauthSpec struct {
	AuthURL        string            `yaml:"auth_url"`
	TokenURL       string            `yaml:"token_url"`
	DeviceURL      string            `yaml:"device_url"`
	RevokeURL      string            `yaml:"revoke_url"`
	AuthStyle      string            `yaml:"auth_style"`
	PKCE           bool              `yaml:"pkce"`
	Scopes         []string          `yaml:"scopes"`
	ScopeSeparator string            `yaml:"scope_separator"`
	AuthParams     map[string]string `yaml:"auth_params"`
	TokenParams    map[string]string `yaml:"token_params"`
}

type apiSpec struct {
	BaseURL  string       `yaml:"base_url"`
	Envelope envelopeSpec `yaml:"envelope"`
	WhoAmI   string       `yaml:"who_am_i"`
	// UserName is the path of a person's name in who_am_i's item.
	UserName string `yaml:"user_name"`
}

type envelopeSpec struct {
	Data        string      `yaml:"data"`
	User        string      `yaml:"user"`
	Code        string      `yaml:"code"`
	OK          []int       `yaml:"ok"`
	Status      map[int]int `yaml:"status"`
	Message     string      `yaml:"message"`
	ErrorType   string      `yaml:"error_type"`
	ErrorDetail string      `yaml:"error_detail"`
}

type resourceSpec struct {
	Name        string            `yaml:"name"`
	Doc         string            `yaml:"doc"`
	Path        string            `yaml:"path"`
	Scopes      []string          `yaml:"scopes"`
	Params      map[string]string `yaml:"params"`
	Paginator   paginatorSpec     `yaml:"paginator"`
	Keys        keysSpec          `yaml:"keys"`
	Incremental incrementalSpec   `yaml:"incremental"`
	Window      windowSpec        `yaml:"window"`
	Detail      string            `yaml:"detail"`
	Parent      string            `yaml:"parent"`
	Optional    bool              `yaml:"optional"`
	DependsOn   []string          `yaml:"depends_on"`
	Tables      []tableSpec       `yaml:"tables"`
}

// paginatorSpec holds the keys of every paginator type; which apply to
// which type is paginatorKeys.
type paginatorSpec struct {
	Type     string `yaml:"type"`
	Items    string `yaml:"items"`
	Next     string `yaml:"next"`
	Param    string `yaml:"param"`
	More     string `yaml:"more"`
	Offset   string `yaml:"offset"`
	First    *int   `yaml:"first"`
	PageSize string `yaml:"page_size"`
	// per_day and date_windows
	Format          string         `yaml:"format"`
	NotFoundIsEmpty bool           `yaml:"not_found_is_empty"`
	Lookback        string         `yaml:"lookback"`
	StartParam      string         `yaml:"start_param"`
	EndParam        string         `yaml:"end_param"`
	Span            string         `yaml:"span"`
	Earliest        string         `yaml:"earliest"`
	EndInclusive    bool           `yaml:"end_inclusive"`
	Inner           *paginatorSpec `yaml:"inner"`
}

type keysSpec struct {
	ID      string       `yaml:"id"`
	Key     string       `yaml:"key"`
	Time    *timeKeySpec `yaml:"time"`
	Updated *timeKeySpec `yaml:"updated"`
	Day     *timeKeySpec `yaml:"day"`
}

// timeKeySpec is where a time is in an item, and in which format.
type timeKeySpec struct {
	Path   string `yaml:"path"`
	Format string `yaml:"format"`
}

// paramSpec is a query parameter that carries a time, and its format.
type paramSpec struct {
	Param  string `yaml:"param"`
	Format string `yaml:"format"`
}

type incrementalSpec struct {
	Mode   string `yaml:"mode"`
	Param  string `yaml:"param"`
	Format string `yaml:"format"`
}

type windowSpec struct {
	Since *paramSpec `yaml:"since"`
	Until *paramSpec `yaml:"until"`
}

type tableSpec struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	TimeColumn  string `yaml:"time_column"`
	// Source, on a further table of a resource, is the path of an array
	// of row objects inside each item.
	Source  string       `yaml:"source"`
	Columns []columnSpec `yaml:"columns"`
}

type columnSpec struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	Unit        string `yaml:"unit"`
	Path        string `yaml:"path"`
	Description string `yaml:"description"`
	Conv        string `yaml:"conv"`
	Derive      string `yaml:"derive"`
}
