{#
    One integer for an (image, predicted class) error case: integer joins
    over millions of cases are several times faster than joins on file name
    and class. Class ids are below 1,000 (ImageNet-1k).
#}
{% macro error_case_key(image_key, predicted_class_id) %}
    ({{ image_key }} * 1000 + {{ predicted_class_id }})
{% endmacro %}
