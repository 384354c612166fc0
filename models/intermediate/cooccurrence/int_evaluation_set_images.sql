-- Images whose labels must not count towards label co-occurrence: the images
-- being evaluated, and every image known to be in the multi-label set the
-- reference study evaluated (it counted co-occurrence outside that set).
with

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

known_multilabel_set_images as (

    select * from {{ ref('multilabel_set_images') }}

),

final as (

    select image_id from multi_label_images
    union
    select image_id from known_multilabel_set_images

)

select * from final
