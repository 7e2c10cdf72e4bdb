import assert from "node:assert/strict";
import { documentLanguage, questionLanguage } from "./language.ts";

Deno.test("documentLanguage tells Spanish from English by function words", () => {
  assert.equal(
    documentLanguage("Las bases de datos guardan la información de los usuarios en tablas."),
    "es",
  );
  assert.equal(
    documentLanguage("The database keeps the records of all users in tables that are indexed."),
    "en",
  );
});

Deno.test("documentLanguage says other for text with no function words of either", () => {
  assert.equal(documentLanguage("我们的数据库很快，而且很稳定。"), "other");
  assert.equal(documentLanguage("Der Hund läuft schnell über die Straße."), "other");
  assert.equal(documentLanguage(""), "other");
});

Deno.test("questionLanguage reads short questions and defaults to English", () => {
  assert.equal(questionLanguage("¿Qué dice el contrato?"), "es");
  assert.equal(questionLanguage("cual es el plazo de entrega"), "es");
  assert.equal(questionLanguage("What does the contract say?"), "en");
  assert.equal(questionLanguage("plazo"), "en");
});
