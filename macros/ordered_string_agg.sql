{# An ordered string aggregate; dispatched so other engines can supply their own. #}
{% macro ordered_string_agg(column, separator) %}
    {{ return(adapter.dispatch('ordered_string_agg', 'imagenet_errors')(column, separator)) }}
{% endmacro %}

{% macro default__ordered_string_agg(column, separator) %}
    listagg({{ column }}, {{ separator }}) within group (order by {{ column }})
{% endmacro %}

{% macro duckdb__ordered_string_agg(column, separator) %}
    string_agg({{ column }}, {{ separator }} order by {{ column }})
{% endmacro %}

{#- collect_list drops nulls as string_agg does; an empty group gives null, as string_agg. -#}
{% macro spark__ordered_string_agg(column, separator) %}
    case when count({{ column }}) > 0
        then concat_ws({{ separator }}, array_sort(collect_list({{ column }}))) end
{% endmacro %}
