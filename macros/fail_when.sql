{#
    A predicate for a `where` clause that is true for every row, and stops the
    statement with `message` (a SQL string expression) on the first row where
    `condition` holds: an invariant the database enforces as the rows are
    written, over everything a build writes, at the cost of one comparison
    per row. Cheaper than a data test over a table that only grows, and it
    holds in `dbt run` too, which runs no tests.
#}
{% macro fail_when(condition, message) %}
    {{ return(adapter.dispatch('fail_when', 'imagenet_errors')(condition, message)) }}
{% endmacro %}

{% macro default__fail_when(condition, message) %}
    (case when {{ condition }} then raise_error({{ message }}) else true end)
{% endmacro %}

{% macro duckdb__fail_when(condition, message) %}
    (case when {{ condition }} then error({{ message }}) else true end)
{% endmacro %}
