package upserver

import "math/rand/v2"

// food is one food item of a meal (§6.10, GET /meals/{xid}).
type food struct {
	name, description, measurement, category string
	foodType, subType                        int
	kcal, fat, carbs, protein, sugar, fiber  float64
	sodium                                   float64
}

// foods people log, with the unicode real names had.
var foods = []food{
	{"Café con leche", "whole milk, 2 sugars ☕", "cup", "Beverages", 1, 1, 95, 4.8, 9.5, 4.9, 9, 0, 60},
	{"Croissant", "au beurre", "piece", "Bakery", 2, 2, 231, 12, 26, 4.7, 6.4, 1.5, 267},
	{"寿司 (salmon nigiri)", "2 pieces, \"fresh\"", "serving", "Japanese", 2, 3, 140, 3.5, 19, 8, 3, 0.3, 380},
	{"Miso soup", "with tofu, wakame", "bowl", "Soups", 2, 4, 84, 2.7, 8, 6, 2, 1.1, 998},
	{"Müsli, Joghurt", "Beeren,\nHonig", "bowl", "Breakfast", 2, 5, 310, 8, 48, 11, 18, 6, 90},
	{"Chicken salad", "no dressing", "plate", "Salads", 2, 6, 350, 14, 12, 42, 6, 4, 620},
	{"Spaghetti bolognese 🍝", "large", "plate", "Pasta", 2, 7, 620, 22, 78, 28, 10, 6, 890},
	{"Water", "", "glass", "Beverages", 3, 8, 0, 0, 0, 0, 0, 0, 0},
	{"Apple", "Granny Smith", "piece", "Fruit", 2, 9, 80, 0.3, 21, 0.4, 16, 3.6, 2},
}

var mealTitles = map[int][]string{
	1: {"Breakfast", "Frühstück 🥐", "Petit-déjeuner"},
	2: {"Lunch", "お昼ご飯", "Lunch, \"light\""},
	3: {"Dinner", "Dîner en famille\nà la maison", "Dinner 🍝"},
	6: {"Snack"},
}

// mealPlan is a meal and its food items.
type mealPlan struct {
	subType int
	start   int64
	length  int64
	foods   []food
	amounts []float64
}

// mealPlans: breakfast, lunch and dinner, a snack on some days, none on
// one day in 11.
func (d *dataset) mealPlans(c *dayCtx) ([]mealPlan, *rand.Rand) {
	r := d.rng(c.user, c.n, "meals")
	if mod(c.n, 11) == 6 {
		return nil, r
	}
	slots := []struct {
		sub int
		f   float64
	}{{1, 0.33}, {2, 0.52}, {6, 0.65}, {3, 0.79}}
	var out []mealPlan
	for _, s := range slots {
		if s.sub == 6 && r.IntN(3) != 0 {
			continue
		}
		p := mealPlan{subType: s.sub, start: c.at(s.f, r.IntN(45)), length: int64(10+r.IntN(30)) * 60}
		for range 1 + r.IntN(4) {
			p.foods = append(p.foods, foods[r.IntN(len(foods))])
			p.amounts = append(p.amounts, float64(1+r.IntN(4))/2)
		}
		out = append(out, p)
	}
	return out, r
}

// nutrition keys, in the order of the reference.
func nutrition(fs []food, amounts []float64) obj {
	var kcal, fat, carbs, protein, sugar, fiber, sodium float64
	for i, f := range fs {
		a := amounts[i]
		kcal += f.kcal * a
		fat += f.fat * a
		carbs += f.carbs * a
		protein += f.protein * a
		sugar += f.sugar * a
		fiber += f.fiber * a
		sodium += f.sodium * a
	}
	return obj{
		"calories": round(kcal, 2), "fat": round(fat, 2), "saturated_fat": round(fat*0.35, 2),
		"unsaturated_fat": round(fat*0.6, 2), "monounsaturated_fat": round(fat*0.35, 2),
		"polyunsaturated_fat": round(fat*0.25, 2), "trans_fat": 0, "cholesterol": round(fat*3, 1),
		"sodium": round(sodium, 1), "potassium": round(carbs*6, 1), "carbohydrate": round(carbs, 2),
		"fiber": round(fiber, 2), "sugar": round(sugar, 2), "protein": round(protein, 2),
		"calcium": round(protein*4, 1), "iron": round(protein*0.08, 2), "vitamin_a": 0, "vitamin_c": round(fiber*2, 1),
	}
}

// meals generates the meal items of day n. withFoods adds the food items
// at data.items.items, as GET /meals/{xid} returns them.
func (d *dataset) meals(c *dayCtx, withFoods bool) []item {
	plans, r := d.mealPlans(c)
	out := make([]item, 0, len(plans))
	lat, lon := homeCoords(c.user)
	for i, p := range plans {
		xid := d.xids.encode(xidParts{kind: kindMeal, user: c.user, day: c.n, idx: i})
		completed := p.start + p.length
		updated := completed + int64(r.IntN(1800))
		det := nutrition(p.foods, p.amounts)
		drinks, water, onlyWater := 0, 0, true
		for _, f := range p.foods {
			if f.foodType == 1 || f.foodType == 3 {
				drinks++
			}
			if f.foodType == 3 {
				water++
			} else {
				onlyWater = false
			}
		}
		z := c.zoneAt(p.start)
		det["num_foods"] = len(p.foods) - drinks
		det["num_drinks"] = drinks
		det["num_water"] = water
		det["num_mealitems_green"] = r.IntN(3)
		det["num_mealitems_yellow"] = r.IntN(2)
		det["num_mealitems_red"] = r.IntN(2)
		det["num_mealitems_with_score"] = len(p.foods)
		det["food_score"] = 40 + r.IntN(60)
		if mod(c.n, 8) == 1 {
			det["food_score"] = nil
		}
		det["only_waters"] = onlyWater
		det["client_trace"] = []any{}
		det["place_type"] = "home"
		det["accuracy"] = 50
		det["tz"] = typoTZ(z, mod(c.n, 19) == 4)
		titles := mealTitles[p.subType]
		o := obj{
			"xid":            xid,
			"title":          titles[int(mod(c.n, int64(len(titles))))],
			"note":           "",
			"sub_type":       p.subType,
			"time_created":   p.start,
			"time_completed": completed,
			"time_updated":   updated,
			"date":           c.date,
			"shared":         true,
			"reaction":       nil,
			"details":        det,
		}
		if mod(c.n, 5) == 2 {
			o["note"] = "Mit Freunden – «très bon», 😋\nnext time: less salt"
		}
		// Meals carried numeric lat/lon and place_acc "" (TPei meals.json).
		o["place_lat"], o["place_lon"], o["place_acc"] = round(lat+float64(i)/1000, 7), round(lon, 7), ""
		o["place_name"], o["place_type"], o["place_id"] = "Home", "home", ""
		if withFoods {
			items := make([]any, 0, len(p.foods))
			for j, f := range p.foods {
				fi := nutrition([]food{f}, []float64{p.amounts[j]})
				fi["name"], fi["description"], fi["amount"] = f.name, f.description, p.amounts[j]
				fi["measurement"], fi["type"], fi["food_type"] = f.measurement, f.foodType, f.foodType
				fi["sub_type"], fi["category"] = f.subType, f.category
				items = append(items, fi)
			}
			o["items"] = obj{"items": items, "size": len(items)}
		}
		out = append(out, item{created: p.start, completed: completed, updated: updated, date: c.date, key: xid, idx: i, obj: o})
	}
	return out
}
