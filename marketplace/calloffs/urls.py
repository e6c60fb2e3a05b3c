from django.urls import path

from marketplace.calloffs.views import award as award_views
from marketplace.calloffs.views import common as common_views
from marketplace.calloffs.views import desk as desk_views
from marketplace.calloffs.views import direct as direct_views
from marketplace.calloffs.views import evaluation as evaluation_views

app_name = "calloffs"

# Each area adds its routes here (one block per area: common, direct, desk, mini-competition, evaluation, award).
urlpatterns: list = []

# --- common ---
urlpatterns += [
    path("", common_views.calloff_list, name="list"),
    path("ny/", common_views.calloff_create, name="create"),
    path("<int:pk>/", common_views.calloff_detail, name="detail"),
    path("<int:pk>/endre/", common_views.calloff_edit_need, name="edit_need"),
    path("<int:pk>/avlys/", common_views.calloff_cancel, name="cancel"),
]

# --- direct ---
urlpatterns += [
    path("<int:pk>/direkte/svar/", direct_views.cascade_answer, name="direct_answer"),
    path("<int:pk>/direkte/begrunnelse/", direct_views.direct_justify, name="direct_justify"),
]

# --- desk ---
urlpatterns += [
    path("<int:pk>/skrivebord/beregning/", desk_views.desk_calculation, name="desk_calculation"),
    path("<int:pk>/skrivebord/beregning.csv", desk_views.desk_calculation_csv, name="desk_calculation_csv"),
    path("<int:pk>/skrivebord/grunnlag.json", desk_views.desk_inputs_download, name="desk_inputs_download"),
    path("<int:pk>/skrivebord/kurv/", desk_views.desk_basket, name="desk_basket"),
    path("<int:pk>/skrivebord/krav/", desk_views.desk_requirements, name="desk_requirements"),
    path("<int:pk>/skrivebord/beregn/", desk_views.desk_evaluate, name="desk_evaluate"),
]

# --- mini ---
from marketplace.calloffs.views import mini as mini_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/minikonkurranse/", mini_views.mini_workspace, name="mini_workspace"),
    path(
        "<int:pk>/minikonkurranse/invitasjoner/<int:invitation_pk>/utelat/",
        mini_views.invitation_exclude,
        name="mini_invitation_exclude",
    ),
    path(
        "<int:pk>/minikonkurranse/invitasjoner/<int:invitation_pk>/inkluder/",
        mini_views.invitation_include,
        name="mini_invitation_include",
    ),
    path("<int:pk>/minikonkurranse/dokumenter/", mini_views.document_add, name="mini_document_add"),
    path(
        "<int:pk>/minikonkurranse/dokumenter/<int:document_pk>/fjern/",
        mini_views.document_remove,
        name="mini_document_remove",
    ),
    path(
        "<int:pk>/dokumenter/<int:document_pk>/", mini_views.document_download, name="mini_document_download"
    ),
    path("<int:pk>/minikonkurranse/kriterier/", mini_views.evaluation_model, name="mini_evaluation_model"),
    path("<int:pk>/minikonkurranse/las/", mini_views.criteria_lock, name="mini_criteria_lock"),
    path("<int:pk>/minikonkurranse/publiser/", mini_views.publish, name="mini_publish"),
    path("<int:pk>/sporsmal/", mini_views.question_ask, name="mini_question_ask"),
    path(
        "<int:pk>/sporsmal/<int:question_pk>/svar/", mini_views.question_answer, name="mini_question_answer"
    ),
]

# --- offers ---
from marketplace.calloffs.views import offers as offer_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/tilbud/", offer_views.offer_page, name="offer_page"),
    path("<int:pk>/tilbud/trekk/", offer_views.offer_withdraw, name="offer_withdraw"),
    path("<int:pk>/tilbud/apne/", offer_views.offers_open, name="offers_open"),
    path("<int:pk>/tilbud/<int:offer_pk>/", offer_views.offer_detail, name="offer_detail"),
    path("<int:pk>/tilbud/<int:offer_pk>/vedlegg/", offer_views.offer_attachment, name="offer_attachment"),
]

# --- evaluation ---

urlpatterns += [
    path("<int:pk>/evaluering/", evaluation_views.evaluation_page, name="evaluation_page"),
    path("<int:pk>/evaluering/habilitet/", evaluation_views.declaration_submit, name="evaluation_declare"),
    path(
        "<int:pk>/evaluering/poeng/<int:offer_pk>/<int:criterion_pk>/",
        evaluation_views.score_submit,
        name="evaluation_score",
    ),
    path(
        "<int:pk>/evaluering/avvis/<int:offer_pk>/",
        evaluation_views.offer_reject_submit,
        name="evaluation_reject",
    ),
    path(
        "<int:pk>/evaluering/beregn/", evaluation_views.evaluation_compute_submit, name="evaluation_compute"
    ),
    path(
        "<int:pk>/evaluering/rapport.pdf",
        evaluation_views.evaluation_report_pdf,
        name="evaluation_report_pdf",
    ),
]

# --- award ---

urlpatterns += [
    path("<int:pk>/tildeling/", award_views.award_page, name="award_page"),
    path("<int:pk>/tildeling/beslutt/", award_views.award_decide_submit, name="award_decide"),
    path("<int:pk>/tildeling/send/", award_views.award_notice_send_submit, name="award_notice_send"),
    path("<int:pk>/tildeling/klage/", award_views.complaint_submit, name="award_complaint"),
    path("<int:pk>/tildeling/opphev-stans/", award_views.hold_release_submit, name="award_hold_release"),
    path("<int:pk>/tildeling/signer/", award_views.contract_sign_submit, name="award_contract_sign"),
    path("<int:pk>/protokoll.pdf", award_views.calloff_record_pdf, name="calloff_record_pdf"),
    path("meldinger/", award_views.notice_inbox, name="notice_inbox"),
    path("meldinger/<int:notice_pk>/", award_views.notice_detail, name="notice_detail"),
    path("meldinger/<int:notice_pk>/lest/", award_views.notice_mark_read, name="notice_mark_read"),
    path("meldinger/<int:notice_pk>/pdf/", award_views.notice_pdf, name="notice_pdf"),
]
