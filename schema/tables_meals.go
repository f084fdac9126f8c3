package schema

// Meals and their food items (reference §6.10).

// nutrition lists the nutrition keys shared by meals (under details) and
// food items, with their units; "" where the API never documented one.
var nutrition = [...]struct{ key, unit, desc string }{
	{"calories", "kcal", "Energy."},
	{"fat", "g", "Fat."},
	{"saturated_fat", "g", "Saturated fat."},
	{"unsaturated_fat", "g", "Unsaturated fat."},
	{"monounsaturated_fat", "g", "Monounsaturated fat."},
	{"polyunsaturated_fat", "g", "Polyunsaturated fat."},
	{"trans_fat", "g", "Trans fat."},
	{"cholesterol", "mg", "Cholesterol."},
	{"sodium", "mg", "Sodium."},
	{"potassium", "mg", "Potassium."},
	{"carbohydrate", "g", "Carbohydrate."},
	{"fiber", "g", "Fibre."},
	{"sugar", "g", "Sugar."},
	{"protein", "g", "Protein."},
	{"calcium", "", "Calcium, as reported (unit undocumented)."},
	{"iron", "", "Iron, as reported (unit undocumented)."},
	{"vitamin_a", "", "Vitamin A, as reported (unit undocumented)."},
	{"vitamin_c", "", "Vitamin C, as reported (unit undocumented)."},
}

func nutritionCols(prefix string) []colDecl {
	out := make([]colDecl, len(nutrition))
	for i, n := range nutrition {
		out[i] = col(n.key, Float64, n.unit, prefix+n.key, n.desc)
	}
	return out
}

func mealsDecls() []*tableDecl {
	meals := &tableDecl{
		name: "meals", endpoint: "meals", timeColumn: "time_created",
		desc: "One row per meal (GET /users/@me/meals, each read again as GET /meals/{xid}).",
		cols: cat(
			eventHead("meal", true),
			cols(
				col("sub_type", Int64, "", "sub_type", "1 breakfast, 2 lunch, 3 dinner; other values seen."),
				col("note", String, "", "note", "Free-text note."),
				col("shared", Bool, "", "shared", "Shared with friends."),
				col("image", String, "", "image", "Relative URL of a photo."),
				col("snapshot_image", String, "", "snapshot_image", "Relative URL of the meal image."),
				col("reaction", String, "", "reaction", "Reactions as JSON (usually null).").as(convJSON),
			),
			placeCols(),
			cols(
				col("place_type", String, "", "place_type", "Kind of place."),
				col("place_id", String, "", "place_id", "Id of the place."),
			),
			nutritionCols("details."),
			cols(
				col("num_foods", Int64, "", "details.num_foods", "Number of foods."),
				col("num_drinks", Int64, "", "details.num_drinks", "Number of drinks."),
				col("num_water", Int64, "", "details.num_water", "Number of waters."),
				col("num_mealitems_green", Int64, "", "details.num_mealitems_green", "Items scored green."),
				col("num_mealitems_yellow", Int64, "", "details.num_mealitems_yellow", "Items scored yellow."),
				col("num_mealitems_red", Int64, "", "details.num_mealitems_red", "Items scored red."),
				col("num_mealitems_with_score", Int64, "", "details.num_mealitems_with_score", "Items with a score."),
				col("food_score", Int64, "", "details.food_score", "Food score; often null."),
				col("only_waters", Bool, "", "details.only_waters", "The meal is only water."),
				col("client_trace", String, "", "details.client_trace", "Client trace as JSON (usually []).").as(convJSON),
				col("details_place_type", String, "", "details.place_type", "Kind of place, from details (clashes with place_type)."),
				col("num_items", Int64, "", "items.size", "Number of food items (items.size of GET /meals/{xid}); rows are in meal_items."),
				col("accuracy", Float64, "", "details.accuracy", "Accuracy as reported (meaning undocumented).").as(convLooseFloat),
			),
			tzCols("details.tz"),
		),
	}
	const item = "items.items[]."
	items := &tableDecl{
		name: "meal_items", endpoint: "meals", parent: "meals",
		desc:    "One row per food item of a meal (items.items of GET /meals/{xid}).",
		rowPath: item,
		kind:    childItems, source: "items.items",
		cols: cat(
			cols(
				userXIDCol(),
				parentXIDCol("meal_xid", "meal"),
				col("name", String, "", item+"name", "Food name."),
				col("description", String, "", item+"description", "Food description."),
				col("amount", Float64, "", item+"amount", "Amount, in measurement units."),
				col("measurement", String, "", item+"measurement", "Unit of amount."),
				col("type", String, "", item+"type", "Item type as given."),
				col("food_type", String, "", item+"food_type", "Food type as given."),
				col("sub_type", Int64, "", item+"sub_type", "Sub-type as given."),
				col("category", String, "", item+"category", "Food category."),
			),
			nutritionCols(item),
		),
	}
	return []*tableDecl{meals, items}
}
