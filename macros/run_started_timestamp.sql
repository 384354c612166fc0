{# When this dbt invocation started: marks the rows an incremental run adds. #}
{% macro run_started_timestamp() %}
    cast('{{ run_started_at }}' as timestamp with time zone)
{% endmacro %}

{# In incremental runs, restrict a rule's input to the error cases this run added. #}
{% macro only_cases_added_this_run() %}
    {%- if is_incremental() %}
        where added_at = {{ run_started_timestamp() }}
    {%- endif %}
{% endmacro %}
