"""Insights pages under /innsikt/. Each area appends its block of paths."""

from django.urls import path

from marketplace.insights.views import community as community_views  # knowledge area
from marketplace.insights.views import forum as forum_views  # knowledge area
from marketplace.insights.views import knowledge as knowledge_views  # knowledge area
from marketplace.insights.views import notices as notices_views
from marketplace.insights.views import programmes as programme_views  # statistics area
from marketplace.insights.views import statistics as statistics_views  # statistics area
from marketplace.insights.views import survey as survey_views  # knowledge area

app_name = "insights"

urlpatterns: list = [
    # statistics, goals and the programme board (statistics area); the public statistics page is named "index"
    path("", statistics_views.index, name="index"),
    path("statistikk/", statistics_views.full, name="statistics_full"),
    path("mal/", statistics_views.goals, name="goals"),
    path("programmer/", programme_views.board, name="programmes"),
    path("programmer/<slug:slug>/endre/", programme_views.edit, name="programme_edit"),
    path("programmer/<slug:slug>/faser/ny/", programme_views.phase_add, name="programme_phase_add"),
    path(
        "programmer/<slug:slug>/faser/<int:pk>/endre/",
        programme_views.phase_edit,
        name="programme_phase_edit",
    ),
    path(
        "programmer/<slug:slug>/faser/<int:pk>/fjern/",
        programme_views.phase_delete,
        name="programme_phase_delete",
    ),
    # procurement notices and market analysis (notices area)
    path("kunngjoringer/", notices_views.notices_analysis, name="notices"),
    path("kunngjoringer/liste/", notices_views.notice_list, name="notice_list"),
    path("kunngjoringer/import/", notices_views.notices_import, name="notices_import"),
    path("kunngjoringer/<int:pk>/", notices_views.notice_detail, name="notice_detail"),
    path("kunngjoringer/<int:pk>/ocds.json", notices_views.notice_ocds, name="notice_ocds"),
    # knowledge base, Skyforum, expert groups, information meetings, annual survey (knowledge area)
    path("kunnskap/", knowledge_views.article_list, name="knowledge"),
    path("kunnskap/ny/", knowledge_views.article_edit, name="article_create"),
    path("kunnskap/<int:pk>/", knowledge_views.article_detail, name="article"),
    path("kunnskap/<int:pk>/rediger/", knowledge_views.article_edit, name="article_edit"),
    path("kunnskap/<int:pk>/vedlegg/", knowledge_views.attachment_upload, name="attachment_upload"),
    path("kunnskap/vedlegg/<int:pk>/", knowledge_views.attachment_download, name="attachment_download"),
    path("kunnskap/vedlegg/<int:pk>/slett/", knowledge_views.attachment_delete, name="attachment_delete"),
    path("skyforum/", forum_views.question_list, name="forum"),
    path("skyforum/<int:pk>/", forum_views.question_detail, name="forum_question"),
    path("skyforum/<int:pk>/endre/", forum_views.question_edit, name="forum_question_edit"),
    path("skyforum/<int:pk>/slett/", forum_views.question_delete, name="forum_question_delete"),
    path("skyforum/<int:pk>/moderer/", forum_views.question_moderate, name="forum_question_moderate"),
    path("skyforum/svar/<int:pk>/godta/", forum_views.answer_accept, name="forum_answer_accept"),
    path("skyforum/svar/<int:pk>/moderer/", forum_views.answer_moderate, name="forum_answer_moderate"),
    path("ekspertgrupper/", community_views.group_list, name="groups"),
    path("ekspertgrupper/ny/", community_views.group_edit, name="group_create"),
    path("ekspertgrupper/soknader/<int:pk>/", community_views.membership_decide, name="membership_decide"),
    path("ekspertgrupper/<slug:slug>/", community_views.group_detail, name="group"),
    path("ekspertgrupper/<slug:slug>/sok/", community_views.group_apply, name="group_apply"),
    path("ekspertgrupper/<slug:slug>/trekk/", community_views.group_withdraw, name="group_withdraw"),
    path("ekspertgrupper/<slug:slug>/endre/", community_views.group_edit, name="group_edit"),
    path("ekspertgrupper/<slug:slug>/slett/", community_views.group_delete, name="group_delete"),
    path("moter/", community_views.meeting_list, name="meetings"),
    path("moter/nytt/", community_views.meeting_create, name="meeting_create"),
    path("moter/<int:pk>/", community_views.meeting_detail, name="meeting"),
    path("moter/<int:pk>/endre/", community_views.meeting_edit, name="meeting_edit"),
    path("moter/<int:pk>/avlys/", community_views.meeting_call_off, name="meeting_call_off"),
    path("moter/<int:pk>/slett/", community_views.meeting_delete, name="meeting_delete"),
    path("moter/<int:pk>/pamelding/", community_views.meeting_register, name="meeting_register"),
    path("moter/<int:pk>/avmelding/", community_views.meeting_cancel, name="meeting_cancel"),
    path("moter/<int:pk>/presentasjoner/", community_views.slides_upload, name="slides_upload"),
    path("undersokelse/", survey_views.survey_list, name="surveys"),
    path("undersokelse/<int:year>/", survey_views.survey_answer, name="survey_answer"),
    path("undersokelse/<int:year>/resultater/", survey_views.survey_results, name="survey_results"),
    path("undersokelse/<int:year>/rediger/", survey_views.survey_edit, name="survey_edit"),
    path("undersokelse/<int:year>/publiser/", survey_views.survey_publish, name="survey_publish"),
]
