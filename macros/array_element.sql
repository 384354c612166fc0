{#
    The element at 1-based `position` of an array column: DuckDB indexes
    lists from 1 with brackets, Spark's brackets count from 0, so each
    engine spells it its own way.
#}
{% macro array_element(array, position) %}
    {{ return(adapter.dispatch('array_element', 'imagenet_errors')(array, position)) }}
{% endmacro %}

{% macro default__array_element(array, position) %}
    element_at({{ array }}, {{ position }})
{% endmacro %}

{% macro duckdb__array_element(array, position) %}
    {{ array }}[{{ position }}]
{% endmacro %}
