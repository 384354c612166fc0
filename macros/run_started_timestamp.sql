{# When this dbt invocation started: marks the rows an incremental run adds. #}
{% macro run_started_timestamp() %}
    cast('{{ run_started_at }}' as {{ timestamp_tz_type() }})
{% endmacro %}
