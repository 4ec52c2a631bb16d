"""The addresses of the web workspace, in one table (tests, bookmarks and links rely on them staying put).

A path with several methods has one route per method, so each handler is
only what it says; Starlette answers 405 for a method no route of the path
takes. The static files are package data served from `web/static`.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web.pages.auth import login, login_form, logout
from web.pages.dashboard import dashboard_page
from web.pages.items import change_status, item_detail
from web.pages.overdue import executors_page, overdue_file, overdue_list
from web.pages.region import region_file, region_page
from web.pages.roadmaps import import_form, roadmap_detail, roadmaps_page, upload, upload_confirm, upload_preview
from web.pages.schools import (
    compliance_page,
    my_page,
    profile_page,
    profile_save,
    replan_page,
    replan_post,
    schedule_cancel,
    schedule_page,
    schedule_start,
    school_detail,
    school_upload,
    schools_list,
    session_change,
    session_page,
    subscription_change,
    subscription_create,
    timetable_file,
    week_page,
    year_page,
)

ROUTES: list[BaseRoute] = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/", dashboard_page, methods=["GET"]),
    Route("/roadmaps", roadmaps_page, methods=["GET"]),
    Route("/roadmaps/import", import_form, methods=["GET"]),
    Route("/roadmaps/import", upload, methods=["POST"]),
    Route("/roadmaps/import/{token}", upload_preview, methods=["GET"]),
    Route("/roadmaps/import/{token}", upload_confirm, methods=["POST"]),
    Route("/roadmaps/{key:path}", roadmap_detail, methods=["GET"]),
    Route("/items/{item_id:int}", item_detail, methods=["GET"]),
    Route("/items/{item_id:int}/{action}", change_status, methods=["POST"]),
    Route("/overdue", overdue_list, methods=["GET"]),
    Route("/overdue.{suffix}", overdue_file, methods=["GET"]),
    Route("/executors", executors_page, methods=["GET"]),
    Route("/region", region_page, methods=["GET"]),
    Route("/region.xlsx", region_file, methods=["GET"]),
    Route("/schools", schools_list, methods=["GET"]),
    Route("/schools/{school_id}", school_detail, methods=["GET"]),
    Route("/schools/{school_id}", school_upload, methods=["POST"]),
    Route("/schools/{school_id}/profile", profile_page, methods=["GET"]),
    Route("/schools/{school_id}/profile", profile_save, methods=["POST"]),
    Route("/schools/{school_id}/schedule", schedule_page, methods=["GET"]),
    Route("/schools/{school_id}/schedule", schedule_start, methods=["POST"]),
    Route("/schools/{school_id}/schedule/cancel", schedule_cancel, methods=["POST"]),
    Route("/schools/{school_id}/replan", replan_page, methods=["GET"]),
    Route("/schools/{school_id}/replan", replan_post, methods=["POST"]),
    Route("/schools/{school_id}/year", year_page, methods=["GET"]),
    Route("/schools/{school_id}/week", week_page, methods=["GET"]),
    Route("/schools/{school_id}/sessions/{uid:path}", session_page, methods=["GET"]),
    Route("/schools/{school_id}/sessions/{uid:path}", session_change, methods=["POST"]),
    Route("/schools/{school_id}/compliance", compliance_page, methods=["GET"]),
    Route("/schools/{school_id}/timetable.{suffix}", timetable_file, methods=["GET"]),
    Route("/me", my_page, methods=["GET"]),
    Route("/me/subscriptions", subscription_create, methods=["POST"]),
    Route("/me/subscriptions/{subscription_id:int}/{action}", subscription_change, methods=["POST"]),
    Mount("/static", StaticFiles(packages=[("web", "static")]), name="static"),
]
