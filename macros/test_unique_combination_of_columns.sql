{# No rows share the same values in all of `columns` (dbt_utils' test, which cannot be installed offline). #}
{% test unique_combination_of_columns(model, columns) %}
    select {{ columns | join(', ') }}
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
