package jawbone

import "github.com/upexport/upexport/schema"

// Meals and their food items (§6.10).

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

func nutritionCols(prefix string) []schema.ColumnDecl {
	out := make([]schema.ColumnDecl, len(nutrition))
	for i, n := range nutrition {
		out[i] = schema.Col(n.key, schema.Float64, n.unit, prefix+n.key, n.desc)
	}
	return out
}

func mealsDecls() []*schema.TableDecl {
	meals := &schema.TableDecl{
		Name: "meals", Endpoint: "meals", TimeColumn: "time_created",
		Description: "One row per meal (GET /users/@me/meals, each read again as GET /meals/{xid}).",
		Columns: cat(
			eventHead("meal", true),
			cols(
				schema.Col("sub_type", schema.Int64, "", "sub_type", "1 breakfast, 2 lunch, 3 dinner; other values seen."),
				schema.Col("note", schema.String, "", "note", "Free-text note."),
				schema.Col("shared", schema.Bool, "", "shared", "Shared with friends."),
				schema.Col("image", schema.String, "", "image", "Relative URL of a photo."),
				schema.Col("snapshot_image", schema.String, "", "snapshot_image", "Relative URL of the meal image."),
				schema.Col("reaction", schema.String, "", "reaction", "Reactions as JSON (usually null).").As(schema.ConvJSON),
			),
			placeCols(),
			cols(
				schema.Col("place_type", schema.String, "", "place_type", "Kind of place."),
				schema.Col("place_id", schema.String, "", "place_id", "Id of the place."),
			),
			nutritionCols("details."),
			cols(
				schema.Col("num_foods", schema.Int64, "", "details.num_foods", "Number of foods."),
				schema.Col("num_drinks", schema.Int64, "", "details.num_drinks", "Number of drinks."),
				schema.Col("num_water", schema.Int64, "", "details.num_water", "Number of waters."),
				schema.Col("num_mealitems_green", schema.Int64, "", "details.num_mealitems_green", "Items scored green."),
				schema.Col("num_mealitems_yellow", schema.Int64, "", "details.num_mealitems_yellow", "Items scored yellow."),
				schema.Col("num_mealitems_red", schema.Int64, "", "details.num_mealitems_red", "Items scored red."),
				schema.Col("num_mealitems_with_score", schema.Int64, "", "details.num_mealitems_with_score", "Items with a score."),
				schema.Col("food_score", schema.Int64, "", "details.food_score", "Food score; often null."),
				schema.Col("only_waters", schema.Bool, "", "details.only_waters", "The meal is only water."),
				schema.Col("client_trace", schema.String, "", "details.client_trace", "Client trace as JSON (usually []).").As(schema.ConvJSON),
				schema.Col("details_place_type", schema.String, "", "details.place_type", "Kind of place, from details (clashes with place_type)."),
				schema.Col("num_items", schema.Int64, "", "items.size", "Number of food items (items.size of GET /meals/{xid}); rows are in meal_items."),
				schema.Col("accuracy", schema.Float64, "", "details.accuracy", "Accuracy as reported (meaning undocumented).").As(schema.ConvLooseFloat),
			),
			tzCols("details.tz"),
		),
	}
	const item = "items.items[]."
	items := &schema.TableDecl{
		Name: "meal_items", Endpoint: "meals", Parent: "meals",
		Description: "One row per food item of a meal (items.items of GET /meals/{xid}).",
		RowPath:     item,
		Child:       schema.ChildRowArray, Source: "items.items",
		Columns: cat(
			cols(
				userXIDCol(),
				parentXIDCol("meal_xid", "meal"),
				schema.Col("name", schema.String, "", item+"name", "Food name."),
				schema.Col("description", schema.String, "", item+"description", "Food description."),
				schema.Col("amount", schema.Float64, "", item+"amount", "Amount, in measurement units."),
				schema.Col("measurement", schema.String, "", item+"measurement", "Unit of amount."),
				schema.Col("type", schema.String, "", item+"type", "Item type as given."),
				schema.Col("food_type", schema.String, "", item+"food_type", "Food type as given."),
				schema.Col("sub_type", schema.Int64, "", item+"sub_type", "Sub-type as given."),
				schema.Col("category", schema.String, "", item+"category", "Food category."),
			),
			nutritionCols(item),
		),
	}
	return []*schema.TableDecl{meals, items}
}
