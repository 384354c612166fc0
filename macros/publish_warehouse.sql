{#-
    The on-run-end hook: publish the working database (the profile's `path`) as
    the file readers open (IMAGENET_ERRORS_DB), after a command that changes data
    and only when every node of the run succeeded and the marts agree with
    fct_prediction_errors (marts_consistency_problems), so a failed build leaves
    the published file as it was. The checkpoint moves the write-ahead log into the
    database file, which is then copied whole (ingest/warehousing/publish.py).
-#}
{% macro publish_warehouse(results) %}
    {{ return(adapter.dispatch('publish_warehouse', 'imagenet_errors')(results)) }}
{% endmacro %}

{% macro default__publish_warehouse(results) %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__publish_warehouse(results) %}
    {%- if not execute or flags.WHICH not in ['build', 'run', 'seed', 'snapshot', 'retry'] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set unfinished = [] -%}
    {%- for result in results if result.status not in ['success', 'pass', 'warn', 'no-op'] -%}
        {%- do unfinished.append(result.node.name ~ ' (' ~ result.status ~ ')') -%}
    {%- endfor -%}
    {%- if unfinished -%}
        {{ log('Not publishing the warehouse: ' ~ unfinished | join(', '), info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- set problems = marts_consistency_problems() -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error('Not publishing the warehouse, its marts disagree: '
            ~ problems | join('; ') ~ '. Build what lies between them too, e.g. '
            ~ '`dbt build --select fct_prediction_errors+` or `imagenet-errors build`.') }}
    {%- endif -%}
    checkpoint;
    select imagenet_errors_publish()
{% endmacro %}
