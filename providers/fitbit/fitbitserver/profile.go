package fitbitserver

import (
	"strconv"
	"strings"
)

// The profile and devices: the user's settings, the values in the
// request's units (§7).
func (d *dataset) profile(c *call) (any, *apiError) {
	now := dayTime(c.today)
	age := now.Year() - birthYear
	if now.Format("01-02") < birthMonthDay {
		age--
	}
	var kg float64
	for n := d.last; n >= d.first && kg == 0; n-- {
		if ws := d.weighIns(n); len(ws) > 0 {
			kg = ws[len(ws)-1].kg
		}
	}
	if kg == 0 {
		kg = 63.5
	}
	_, off := c.now.In(home).Zone()
	return obj{"user": obj{
		"age":                     age,
		"averageDailySteps":       8760,
		"avatar":                  "https://static0.fitbit.com/images/profile/defaultProfile_100.png",
		"avatar150":               "https://static0.fitbit.com/images/profile/defaultProfile_150.png",
		"avatar640":               "https://static0.fitbit.com/images/profile/defaultProfile_640.png",
		"clockTimeDisplayFormat":  "24hour",
		"dateOfBirth":             strconv.Itoa(birthYear) + "-" + birthMonthDay,
		"displayName":             "Sam",
		"distanceUnit":            "en_US",
		"encodedId":               d.userID,
		"features":                obj{"exerciseGoal": true},
		"firstName":               "Sam",
		"fullName":                "Sample User",
		"gender":                  "FEMALE",
		"glucoseUnit":             "METRIC",
		"height":                  round1(c.u.length(heightCM)),
		"heightUnit":              "METRIC",
		"languageLocale":          "en_US",
		"lastName":                "User",
		"locale":                  "en_US",
		"memberSince":             dayText(d.first), // the data starts when the account does
		"offsetFromUTCMillis":     off * 1000,
		"sleepTracking":           "Normal",
		"startDayOfWeek":          "SUNDAY",
		"strideLengthRunning":     round1(c.u.length(strideRunCM)),
		"strideLengthRunningType": "default",
		"strideLengthWalking":     round1(c.u.length(strideWalkCM)),
		"strideLengthWalkingType": "default",
		"timezone":                home.String(),
		"topBadges":               []obj{},
		"waterUnit":               "METRIC",
		"weight":                  round1(c.u.weight(kg)),
		"weightUnit":              "METRIC",
	}}, nil
}

func (d *dataset) devices(c *call) (any, *apiError) {
	sync := at(d.last, 22, 41, 7)
	scale := at(d.last, 7, 3, 12)
	return []obj{
		{"battery": "High", "batteryLevel": 82, "deviceVersion": "Charge 5", "features": []string{},
			"id":           strconv.FormatUint(d.hash("device", 1)%9_000_000_000+1_000_000_000, 10),
			"lastSyncTime": localMillis(sync), "mac": strings.ToUpper(strconv.FormatUint(d.hash("mac", 1)%(1<<48), 16)),
			"type": "TRACKER"},
		{"battery": "Medium", "batteryLevel": 45, "deviceVersion": "Aria Air", "features": []string{},
			"id":           strconv.FormatUint(d.hash("device", 2)%9_000_000_000+1_000_000_000, 10),
			"lastSyncTime": localMillis(scale), "type": "SCALE"},
	}, nil
}
