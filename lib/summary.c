/*
 * summary.c - amounts and prices of tb's JSON output, rounded once at the
 * edge.  See summary.h.
 */
#include "summary.h"

#include <math.h>
#include <string.h>

/* The account's money, in the account's currency. */
static const char *const account_keys[] = {
	"cash", "cash_available", "budget", NULL
};

static double
round_to(double v, double scale)
{
	return isfinite(v) ? round(v * scale) / scale : v;
}

double
summary_cents(double eur)
{
	return round_to(eur, 100);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The scale a number under key is rounded with: 100, 10000, or 0 (none). */
static double
scale_of(const char *key)
{
	size_t i;

	if (key == NULL)
		return 0;
	if (strstr(key, "price") != NULL)
		return 10000;
	if (ends_with(key, "_eur") || strncmp(key, "eur_", 4) == 0)
		return 100;
	for (i = 0; account_keys[i] != NULL; i++)
		if (strcmp(key, account_keys[i]) == 0)
			return 100;
	return 0;
}

/* Round every number under item; an array's members take its key. */
static void
round_item(cJSON *item, const char *key)
{
	cJSON *child;
	double scale;

	if (cJSON_IsNumber(item) && (scale = scale_of(key)) > 0)
		cJSON_SetNumberHelper(item, round_to(item->valuedouble, scale));
	else if (cJSON_IsObject(item))
		cJSON_ArrayForEach(child, item)
			round_item(child, child->string);
	else if (cJSON_IsArray(item))
		cJSON_ArrayForEach(child, item)
			round_item(child, key);
}

void
summary_round(cJSON *doc)
{
	if (doc != NULL)
		round_item(doc, NULL);
}

void
summary_number(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

void
summary_string(cJSON *o, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}
