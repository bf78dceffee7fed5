/* SPDX-License-Identifier: Apache-2.0 */
#include "jsonpos.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"

static struct rw_json_path path_push(const struct rw_json_path *p, const char *key, size_t index)
{
        struct rw_json_path n = *p;

        if (n.depth < RW_JSON_PATH_MAX_DEPTH) {
                n.at[n.depth].key = key;
                n.at[n.depth].index = index;
                n.depth++;
        }
        return n;
}

struct rw_json_path rw_jsonpos_path_key(const struct rw_json_path *p, const char *key)
{
        return path_push(p, key, 0);
}

struct rw_json_path rw_jsonpos_path_index(const struct rw_json_path *p, size_t index)
{
        return path_push(p, NULL, index);
}

/* A key that reads unambiguously after a dot. */
static bool simple_key(const char *key)
{
        if (key[0] == '\0')
                return false;
        for (const char *c = key; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                        return false;
        return true;
}

void rw_jsonpos_path_format(const struct rw_json_path *p, char *buf, size_t size)
{
        size_t o = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < p->depth && o < size; i++) {
                const char *key = p->at[i].key;
                int n;

                if (key == NULL)
                        n = snprintf(buf + o, size - o, "[%zu]", p->at[i].index);
                else if (simple_key(key))
                        n = snprintf(buf + o, size - o, "%s%s", i == 0 ? "" : ".", key);
                else
                        n = snprintf(buf + o, size - o, "[\"%s\"]", key);
                if (n < 0)
                        break;
                o += (size_t)n;
        }
}

size_t rw_jsonpos_skip_space(const char *t, size_t len, size_t i)
{
        while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
                i++;
        return i;
}

size_t rw_jsonpos_skip_string(const char *t, size_t len, size_t start, size_t *ret_nul)
{
        size_t nul = len, i = start + 1;

        while (i < len && t[i] != '"') {
                if (t[i] == '\0' && nul == len)
                        nul = i;
                if (t[i] == '\\') {
                        if (nul == len && len - i >= 6 && memcmp(t + i, "\\u0000", 6) == 0)
                                nul = i;
                        i += 2;
                        continue;
                }
                i++;
        }
        if (ret_nul != NULL)
                *ret_nul = nul;
        return i < len ? i + 1 : len;
}

size_t rw_jsonpos_skip_value(const char *t, size_t len, size_t i)
{
        size_t depth = 0;

        if (i >= len)
                return len;
        if (t[i] == '"')
                return rw_jsonpos_skip_string(t, len, i, NULL);
        if (t[i] != '{' && t[i] != '[') {
                while (i < len && strchr(",]} \t\r\n", t[i]) == NULL)
                        i++;
                return i;
        }
        while (i < len) {
                char c = t[i];
                if (c == '"') {
                        i = rw_jsonpos_skip_string(t, len, i, NULL);
                        continue;
                }
                if (c == '{' || c == '[')
                        depth++;
                else if ((c == '}' || c == ']') && --depth == 0)
                        return i + 1;
                i++;
        }
        return len;
}

/* Keys may be written with escapes ("a\u002fb"): compare the decoded string, as jansson saw it.
 * Most have none, and are compared as they are. */
static bool key_token_equals(const char *t, size_t start, size_t end, const char *key)
{
        _cleanup_json_ json_t *decoded = NULL;

        if (end - start >= 2 && t[end - 1] == '"' && memchr(t + start, '\\', end - start) == NULL)
                return strlen(key) == end - start - 2 &&
                       memcmp(t + start + 1, key, end - start - 2) == 0;
        decoded = json_loadb(t + start, end - start, JSON_DECODE_ANY, NULL);
        return json_is_string(decoded) && strcmp(json_string_value(decoded), key) == 0;
}

/* From the '{' at `i`: the offset of the member `key`'s value (or of the key, for at_key). */
static bool find_member(const char *t, size_t len, size_t i, const char *key, bool at_key,
                        size_t *ret)
{
        if (i >= len || t[i] != '{')
                return false;
        i++;
        for (;;) {
                size_t kstart, kend;
                bool found;

                i = rw_jsonpos_skip_space(t, len, i);
                if (i >= len || t[i] != '"')
                        return false;
                kstart = i;
                kend = rw_jsonpos_skip_string(t, len, i, NULL);
                found = key_token_equals(t, kstart, kend, key);
                if (found && at_key) {
                        *ret = kstart;
                        return true;
                }
                i = rw_jsonpos_skip_space(t, len, kend);
                if (i >= len || t[i] != ':')
                        return false;
                i = rw_jsonpos_skip_space(t, len, i + 1);
                if (found) {
                        *ret = i;
                        return true;
                }
                i = rw_jsonpos_skip_space(t, len, rw_jsonpos_skip_value(t, len, i));
                if (i >= len || t[i] != ',')
                        return false;
                i++;
        }
}

/* From the '[' at `i`: the offset of element `index`. */
static bool find_element(const char *t, size_t len, size_t i, size_t index, size_t *ret)
{
        if (i >= len || t[i] != '[')
                return false;
        i = rw_jsonpos_skip_space(t, len, i + 1);
        for (size_t n = 0; n < index; n++) {
                i = rw_jsonpos_skip_space(t, len, rw_jsonpos_skip_value(t, len, i));
                if (i >= len || t[i] != ',')
                        return false;
                i = rw_jsonpos_skip_space(t, len, i + 1);
        }
        if (i >= len || t[i] == ']')
                return false;
        *ret = i;
        return true;
}

bool rw_jsonpos_locate(const char *t, size_t len, const struct rw_json_path *p, bool at_key,
                       size_t *ret_offset)
{
        size_t i = rw_jsonpos_skip_space(t, len, 0);

        for (size_t d = 0; d < p->depth; d++) {
                bool last = d + 1 == p->depth;
                bool found = p->at[d].key != NULL
                                 ? find_member(t, len, i, p->at[d].key, last && at_key, &i)
                                 : find_element(t, len, i, p->at[d].index, &i);

                if (!found)
                        return false;
                if (last && at_key && p->at[d].key != NULL) {
                        *ret_offset = i;
                        return true;
                }
        }
        *ret_offset = i;
        return i < len;
}

void rw_jsonpos_line_column(const char *text, size_t offset, int *ret_line, int *ret_column)
{
        int line = 1, column = 1;

        for (size_t i = 0; i < offset; i++) {
                unsigned char c = (unsigned char)text[i];
                if (c == '\n') {
                        line++;
                        column = 1;
                } else if (c < 0x80 || c >= 0xc0) {
                        column++;
                }
        }
        *ret_line = line;
        *ret_column = column;
}
