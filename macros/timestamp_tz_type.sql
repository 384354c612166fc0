{#
    The type of an instant: DuckDB's `timestamp with time zone`; Spark's
    `timestamp` is one already (an instant, shown in the session's time
    zone, UTC in profiles.yml) and has no such name.
#}
{% macro timestamp_tz_type() %}
    {{ return(adapter.dispatch('timestamp_tz_type', 'imagenet_errors')()) }}
{% endmacro %}

{% macro default__timestamp_tz_type() %}
    {{ return('timestamp') }}
{% endmacro %}

{% macro duckdb__timestamp_tz_type() %}
    {{ return('timestamp with time zone') }}
{% endmacro %}
