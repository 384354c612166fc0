-- Every distinct wrong (image, predicted class) of any model on an evaluated
-- image. The rules depend only on these, not on the model, so each is decided
-- once however many models make the same mistake.
with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

image_labels as (

    select * from {{ ref('stg_ingest__image_labels') }}

),

distinct_predictions as (

    select distinct
        image_id,
        predicted_class_id

    from predictions

),

final as (

    select
        distinct_predictions.image_id,
        distinct_predictions.predicted_class_id,
        image_labels.label_class_id,
        multi_label_images.is_problematic

    from distinct_predictions
    inner join multi_label_images
        on distinct_predictions.image_id = multi_label_images.image_id
    -- An image may have no single label (a photo of something ImageNet lacks):
    -- every prediction on it is then an error.
    left join image_labels
        on distinct_predictions.image_id = image_labels.image_id
    where
        image_labels.label_class_id is null
        or distinct_predictions.predicted_class_id <> image_labels.label_class_id

)

select * from final
